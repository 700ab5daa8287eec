"""Forms of the knowledge hub: the article editor, workflow buttons, consent, attachments, a network's notes and
documents."""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from blueprints.accounts.forms import MultiCheckboxField
from blueprints.core.db import db
from blueprints.core.forms import AppForm
from blueprints.knowledge.constants import KINDS, TOPICS, VISIBILITIES
from blueprints.knowledge.markdown import MAX_BODY_CHARS
from blueprints.networks.constants import PHASES
from blueprints.organisations.forms import validate_org_number
from blueprints.organisations.models import Organisation
from blueprints.support.constants import SUPPORT_KINDS
from blueprints.support.documents import ALLOWED_TYPES, PICTURE_TYPES
from blueprints.support.forms import DocumentsField
from blueprints.support.models import SupportRequest
from blueprints.vocabulary.forms import CpvCodesField

REQUIRED = _l("Fyll i fältet.")
DIARY_NUMBER = re.compile(r"UM\s*(\d{4})/(\d{1,6})", re.IGNORECASE)


class OrganisationNumbersField(TextAreaField):
    """Organisations named by organisationsnummer, one per line or separated by commas; ``parsed`` holds their
    ids once validated (each number checked, and known to the registry)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.parsed: list[int] = []

    def pre_validate(self, form: FlaskForm) -> None:
        """Check each number and find its organisation."""
        compact, bad = [], []
        for number in [n.strip() for n in re.split(r"[,;\n]", self.data or "") if n.strip()]:
            try:
                compact.append(validate_org_number(number))
            except ValidationError:
                bad.append(number)
        if bad:
            raise ValidationError(str(_l("Ogiltigt organisationsnummer: %(numbers)s", numbers=", ".join(bad))))
        query = sa.select(Organisation.org_number, Organisation.id).where(Organisation.org_number.in_(compact))
        found = {number: id_ for number, id_ in db.session.execute(query)}
        unknown = [n for n in compact if n not in found]
        if unknown:
            raise ValidationError(str(_l("Okänd organisation: %(numbers)s", numbers=", ".join(unknown))))
        self.parsed = [found[n] for n in compact]


class DiaryNumbersField(StringField):
    """Support requests named by diarienummer ("UM 2026/0042"); ``parsed`` holds their ids once validated."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.parsed: list[int] = []

    def pre_validate(self, form: FlaskForm) -> None:
        """Each number in the diary."""
        text = self.data or ""
        wanted = {(int(year), int(serial)) for year, serial in DIARY_NUMBER.findall(text)}
        if DIARY_NUMBER.sub("", text).strip(" ,;"):
            raise ValidationError(str(_l("Skriv diarienummer som UM 2026/0042, åtskilda med komma.")))
        rows = (
            db.session.execute(
                sa.select(SupportRequest.id, SupportRequest.diary_year, SupportRequest.diary_serial).where(
                    sa.tuple_(SupportRequest.diary_year, SupportRequest.diary_serial).in_(sorted(wanted))
                )
            ).all()
            if wanted
            else []
        )
        found = {(r.diary_year, r.diary_serial): r.id for r in rows}
        missing = [f"UM {y}/{s:04d}" for y, s in sorted(wanted) if (y, s) not in found]
        if missing:
            raise ValidationError(str(_l("Okänt diarienummer: %(numbers)s", numbers=", ".join(missing))))
        self.parsed = sorted(found.values())


class ArticleForm(AppForm):
    """The article editor."""

    kind = RadioField(_l("Typ av artikel"), choices=list(KINDS.items()), validators=[InputRequired(message=REQUIRED)])
    title = StringField(_l("Rubrik"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    summary = TextAreaField(
        _l("Ingress"),
        validators=[DataRequired(message=REQUIRED), Length(max=600)],
        description=_l("Två–tre meningar som visas i listor och i flödet."),
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(message=REQUIRED), Length(max=MAX_BODY_CHARS)],
        description=_l(
            "Markdown: # rubrik, **fet**, *kursiv*, - punktlista, [länktext](https://…), tabeller med | och "
            "bilder som bifogats: ![beskrivning](adressen i bilagelistan)."
        ),
    )
    visibility = RadioField(
        _l("Vem får läsa artikeln?"), choices=list(VISIBILITIES.items()), validators=[InputRequired(message=REQUIRED)]
    )
    need_area_ids = MultiCheckboxField(_l("Behovsområden"), coerce=int, validators=[Optional()])
    cpv_codes = CpvCodesField()
    phases = MultiCheckboxField(_l("Nätverkets faser"), choices=list(PHASES.items()), validators=[Optional()])
    support_kinds = MultiCheckboxField(
        _l("Typer av stöd"), choices=list(SUPPORT_KINDS.items()), validators=[Optional()]
    )
    organisations = OrganisationNumbersField(
        _l("Medverkande organisationer"),
        validators=[Optional()],
        description=_l("Organisationsnummer, ett per rad, till exempel 212000-1355."),
    )
    network_ids = SelectMultipleField(_l("Nätverk"), coerce=int, validators=[Optional()])
    requests = DiaryNumbersField(
        _l("Stödärenden"), validators=[Optional()], description=_l("Diarienummer, till exempel UM 2026/0042.")
    )
    note = StringField(_l("Vad ändrades? (valfritt)"), validators=[Optional(), Length(max=300)])
    based_on = HiddenField()


class PreviewForm(AppForm):
    """The text sent for a live preview (htmx) while the editor writes."""

    body = TextAreaField(validators=[Optional(), Length(max=MAX_BODY_CHARS)])


class StatusForm(AppForm):
    """A workflow button, with an optional comment (why it is returned, say)."""

    action = HiddenField(validators=[DataRequired()])
    comment = StringField(_l("Kommentar (valfritt)"), validators=[Optional(), Length(max=300)])


class ConsentForm(AppForm):
    """The organisation's consent to publication, as the facilitator heard it."""

    given_by = StringField(
        _l("Vem på organisationen samtyckte?"),
        validators=[DataRequired(message=REQUIRED), Length(max=200)],
        description=_l("Namn och roll, till exempel Anna Berg, upphandlingschef."),
    )


class ArticleAttachmentForm(AppForm):
    """Documents and pictures added to an article."""

    attachments = DocumentsField(
        _l("Bilagor"),
        required=True,
        types={**ALLOWED_TYPES, **PICTURE_TYPES},
        hint=_l("PDF, Word, Excel, OpenDocument eller bilder (PNG, JPEG), högst 10 MB per fil och 5 filer."),
        wrong_type=_l("%(name)s är inte en PDF-, Word-, Excel-, OpenDocument- eller bildfil."),
    )


class NoteForm(AppForm):
    """A note on a network's knowledge page."""

    topic = RadioField(_l("Ämne"), choices=list(TOPICS.items()), validators=[InputRequired(message=REQUIRED)])
    title = StringField(_l("Rubrik"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    body = TextAreaField(
        _l("Anteckning"),
        validators=[DataRequired(message=REQUIRED), Length(max=20000)],
        description=_l("Markdown går bra: - punktlista, **fet**, [länktext](https://…)."),
    )


class NetworkDocumentForm(AppForm):
    """Documents added to a network's knowledge page."""

    documents = DocumentsField(_l("Dokument"), required=True)


class VersionChoiceForm(AppForm):
    """Which version to compare with (a GET form)."""

    against = IntegerField(validators=[Optional()])
