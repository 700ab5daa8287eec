"""Form fields and validators shared by every area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import ValidationError

from blueprints.core.formatting import parse_swedish_integer


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
