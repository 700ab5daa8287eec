"""The CPV codes field every area's forms use: codes typed or picked, checked against the vocabulary."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from blueprints.vocabulary.cpv import InvalidCpvCode, parse_code, split_codes
from blueprints.vocabulary.queries import cpv_codes_by_id


def parse_cpv_field(text: str) -> list[str]:
    """The distinct codes typed in the field, in order; raise ValidationError in Swedish for bad ones."""
    codes: list[str] = []
    bad: list[str] = []
    for piece in split_codes(text):
        try:
            code = parse_code(piece)
        except InvalidCpvCode:
            bad.append(piece)
            continue
        if code not in codes:
            codes.append(code)
    if bad:
        raise ValidationError(
            str(
                _l(
                    "Ingen giltig CPV-kod: %(codes)s. Skriv åtta siffror, till exempel 45233120 eller 45233120-6.",
                    codes=", ".join(bad),
                )
            )
        )
    unknown = [c for c in codes if c not in cpv_codes_by_id(codes)]
    if unknown:
        raise ValidationError(str(_l("Okända CPV-koder: %(codes)s", codes=", ".join(unknown))))
    return codes


class CpvCodesField(StringField):
    """CPV codes as text ("60130000 34144910"): typed, picked, or filled from an object's codes. Validation
    reads them: ``parsed`` holds the distinct codes, all in the vocabulary."""

    HINT = _l("Sök med ord eller skriv koder åtskilda med mellanslag, komma eller semikolon.")

    def __init__(self, label: object = None, **kwargs: object) -> None:
        kwargs.setdefault("description", self.HINT)
        super().__init__(label or _l("CPV-koder"), **kwargs)  # type: ignore[arg-type]
        self.parsed: list[str] = []

    def pre_validate(self, form: FlaskForm) -> None:
        """Every code well-formed (check digit too) and in the vocabulary."""
        self.parsed = parse_cpv_field(self.data or "")

    def process_data(self, value: object) -> None:
        """An object's list of codes becomes the text of their numbers."""
        if isinstance(value, list | tuple):
            value = " ".join(getattr(code, "code", str(code)) for code in value)
        super().process_data(value)
