"""Form helpers shared by every area: status codes and domain errors placed next to fields."""

from collections.abc import Callable
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import ValidationError

from blueprints.core.db import DomainError, db
from blueprints.core.formatting import parse_swedish_integer

T = TypeVar("T")


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form has errors, else 200."""
    return 422 if form.is_submitted() and form.errors else 200


def commit_or_show_error(form: FlaskForm, action: Callable[[], T]) -> T | None:
    """Run a service for a valid form and commit; on a DomainError roll back, show it on the form, return None."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        add_domain_error(form, error)
        return None
    db.session.commit()
    return result


def add_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's rule violation next to its field, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


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
