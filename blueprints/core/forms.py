"""Form fields and validators shared by every area, and the base class of every form."""

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import ValidationError

from blueprints.core.formatting import parse_swedish_integer

# Control characters have no place in what people type. A single line (a title, a name, an e-mail address) takes
# none of them: a CR/LF there ends up in e-mail headers, calendar files and exports. Multi-line text keeps tab,
# line feed and carriage return. NUL is refused everywhere (PostgreSQL cannot store it in text).
SINGLE_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MULTI_LINE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def no_control_characters(form: FlaskForm, field: Field) -> None:
    """Refuse control characters: all of them on one line, all but tab and line breaks in a text area."""
    pattern = MULTI_LINE_CONTROL if isinstance(field, TextAreaField) else SINGLE_LINE_CONTROL
    if isinstance(field.data, str) and pattern.search(field.data):
        if pattern is SINGLE_LINE_CONTROL:
            raise ValidationError(str(_l("Texten får inte innehålla radbrytningar eller andra styrtecken.")))
        raise ValidationError(str(_l("Texten innehåller otillåtna styrtecken.")))


def blank_choice_is_no_choice(form: FlaskForm, field: Field) -> None:
    """A choice sent as spaces is no choice. (``Optional()`` takes spaces for empty and clears the choice check's
    error, so " " would otherwise pass as the field's value and fail the database's check.)"""
    if isinstance(field.data, str) and not field.data.strip():
        field.data = ""


class InputRulesMeta:
    """Form ``Meta`` mixin for the rules every form follows: text fields refuse control characters, a choice
    of only spaces is no choice, and the CSRF field has no id (ids are unique on a page of several forms)."""

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
        """Bind as usual, then add the shared checks to the field."""
        field: Field = unbound_field.bind(form=form, **options)
        if field.type == "CSRFTokenField":
            # Pages with several forms carry several tokens: none of them takes the id "csrf_token".
            field.render_kw = {**(field.render_kw or {}), "id": False}
        elif isinstance(field, StringField):
            field.validators = [*field.validators, no_control_characters]
        elif isinstance(field, SelectFieldBase):
            field.validators = [blank_choice_is_no_choice, *field.validators]
        return field


class AppForm(FlaskForm):
    """The base of every form in Köpkraft: Flask-WTF's (CSRF) plus the shared text rule."""

    class Meta(InputRulesMeta, FlaskForm.Meta):
        pass


def https_only(form: FlaskForm, field: Field) -> None:
    """A validator for links: only https (no other schemes in a page people click)."""
    if field.data and not field.data.strip().lower().startswith("https://"):
        raise ValidationError(str(_l("Länken måste börja med https://")))


class KronorField(StringField):
    """Whole kronor typed the Swedish way ("1 250 000"), optional; ``parsed`` holds the number or None."""

    MAXIMUM = 10**15

    def __init__(self, *args: object, invalid_message: str, **kwargs: object) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric"})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.invalid_message = invalid_message
        self.parsed: int | None = None

    def pre_validate(self, form: FlaskForm) -> None:
        """Read the number; refuse text, negative amounts and absurd ones."""
        self.parsed = None
        if not (self.data or "").strip():
            return
        try:
            value = parse_swedish_integer(self.data)
        except ValueError as error:
            raise ValidationError(str(self.invalid_message)) from error
        if not 0 <= value <= self.MAXIMUM:
            raise ValidationError(str(_l("Beloppet måste vara mellan 0 och 1 000 000 000 000 000 kronor.")))
        self.parsed = value


class EmptyForm(AppForm):
    """A form with only the CSRF token, for buttons that change state."""
