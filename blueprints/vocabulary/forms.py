"""The CPV codes field every area's forms use: codes typed or picked, checked against the vocabulary."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from blueprints.core.i18n import current_language
from blueprints.vocabulary.cpv import InvalidCpvCode, parse_code, split_codes
from blueprints.vocabulary.models import CpvCode
from blueprints.vocabulary.queries import cpv_codes_by_id, search_cpv


def _is_word(piece: str) -> bool:
    """A piece with letters and no digits is a word to search with, not a code typed wrongly."""
    return not any(ch.isdigit() for ch in piece) and any(ch.isalpha() for ch in piece)


def parse_cpv_field(text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """What was typed: the distinct codes that exist, in order; the words (to search with); the pieces that
    are no code (a wrong check digit, seven digits); and well-formed codes the vocabulary does not have."""
    codes: list[str] = []
    words: list[str] = []
    bad: list[str] = []
    for piece in split_codes(text):
        if _is_word(piece):
            words.append(piece)
            continue
        try:
            code = parse_code(piece)
        except InvalidCpvCode:
            bad.append(piece)
            continue
        if code not in codes:
            codes.append(code)
    known = cpv_codes_by_id(codes)
    return [c for c in codes if c in known], words, bad, [c for c in codes if c not in known]


class CpvCodesField(StringField):
    """CPV codes as text ("60130000 34144910"): typed, picked, or filled from an object's codes. Validation
    reads them: ``parsed`` holds the distinct known codes. Words typed in the field (without JavaScript the
    picker cannot search as one types) are searched here: ``word_matches`` holds the codes that match them,
    offered as check boxes of the same name, so the form sent again adds the ones chosen."""

    HINT = _l("Sök med ord eller skriv koder åtskilda med mellanslag, komma eller semikolon.")

    def __init__(self, label: object = None, **kwargs: object) -> None:
        kwargs.setdefault("description", self.HINT)
        super().__init__(label or _l("CPV-koder"), **kwargs)  # type: ignore[arg-type]
        self.parsed: list[str] = []
        self.searched_words: list[str] = []
        self.word_matches: list[tuple[CpvCode, CpvCode | None]] = []

    def process_formdata(self, valuelist: list[Any]) -> None:
        """The text field and any code boxes ticked, as one list of codes."""
        self.data = " ".join(str(value) for value in valuelist if value)

    def pre_validate(self, form: FlaskForm) -> None:
        """Every code well-formed (check digit too) and in the vocabulary; words become codes to choose from."""
        codes, words, bad, unknown = parse_cpv_field(self.data or "")
        self.parsed = codes
        if words:
            self.searched_words = words
            self.word_matches = search_cpv(" ".join(words), current_language(), limit=10)
            self.data = " ".join(codes)  # the words leave the field; their codes are offered below it
            if self.word_matches:
                raise ValidationError(
                    str(_l("Välj koder för ”%(words)s” i listan under fältet.", words=" ".join(words)))
                )
            raise ValidationError(str(_l("Ingen CPV-kod matchar ”%(words)s”. Prova andra ord.", words=" ".join(words))))
        if bad:
            raise ValidationError(
                str(
                    _l(
                        "Ingen giltig CPV-kod: %(codes)s. Skriv åtta siffror, till exempel 45233120 eller 45233120-6.",
                        codes=", ".join(bad),
                    )
                )
            )
        if unknown:
            raise ValidationError(str(_l("Okända CPV-koder: %(codes)s", codes=", ".join(unknown))))

    def process_data(self, value: object) -> None:
        """An object's list of codes becomes the text of their numbers."""
        if isinstance(value, list | tuple):
            value = " ".join(getattr(code, "code", str(code)) for code in value)
        super().process_data(value)
