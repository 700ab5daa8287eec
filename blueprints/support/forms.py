"""Forms: a support request, attachments, triage decisions, notes, availability and rules, booking,
rescheduling, cancelling, following up and feedback."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from blueprints.accounts.forms import MultiCheckboxField
from blueprints.core.args import datetime_arg
from blueprints.core.forms import AppForm, KronorField, https_only
from blueprints.support.constants import (
    DONE,
    EXCEPTION_KINDS,
    FORMATS,
    NO_SHOW,
    ON_SITE,
    PROJECT_PHASES,
    START_EVERY,
    SUPPORT_KINDS,
    WEEKDAYS,
)
from blueprints.support.documents import (
    ALLOWED_TYPES,
    MAX_BYTES,
    MAX_FILES,
    Upload,
    clean_filename,
    content_type,
    name_fits,
)
from blueprints.vocabulary.forms import CpvCodesField

REQUIRED = _l("Fyll i fältet.")
DATE_MESSAGE = _l("Ange ett datum som ÅÅÅÅ-MM-DD.")
TIME_MESSAGE = _l("Ange en tid som TT:MM.")


class DocumentsField(MultipleFileField):
    """Up to five files of at most 10 MB each, of an accepted type by content (``types``: documents unless
    told). After validation ``uploads`` holds them; ``too_large`` tells the view to answer 413."""

    HINT = _l("PDF, Word (DOCX), Excel (XLSX) eller OpenDocument (ODT), högst 10 MB per fil och 5 filer.")
    WRONG_TYPE = _l("%(name)s är inte en PDF-, Word-, Excel- eller OpenDocument-fil.")

    def __init__(
        self,
        label: object,
        *,
        required: bool = False,
        types: dict[str, str] = ALLOWED_TYPES,
        hint: object = None,
        wrong_type: object = None,
        **kwargs: object,
    ) -> None:
        super().__init__(label, description=hint or self.HINT, **kwargs)  # type: ignore[arg-type]
        self.required = required
        self.types = types
        self.wrong_type = wrong_type or self.WRONG_TYPE  # a message with %(name)s
        self.uploads: list[Upload] = []
        self.too_large = False

    def pre_validate(self, form: FlaskForm) -> None:
        """Read each chosen file once, with a size cap, and check its type by content."""
        self.uploads, self.too_large = [], False
        chosen = [file for file in self.data or [] if getattr(file, "filename", None)]  # empty inputs send ""
        if self.required and not chosen:
            raise ValidationError(str(_l("Välj minst en fil.")))
        if len(chosen) > MAX_FILES:
            raise ValidationError(str(_l("Högst %(count)s filer åt gången.", count=MAX_FILES)))
        for file in chosen:
            self.uploads.append(self._checked(clean_filename(file.filename), file.stream.read(MAX_BYTES + 1)))

    def _checked(self, filename: str, data: bytes) -> Upload:
        if len(data) > MAX_BYTES:
            self.too_large = True
            raise ValidationError(
                str(_l("%(name)s är större än 10 MB. Dela upp eller komprimera filen.", name=filename))
            )
        mime = content_type(data, self.types)
        if mime is None:
            raise ValidationError(str(self.wrong_type) % {"name": filename})
        if not name_fits(filename, mime, self.types):
            message = _l(
                "%(name)s har fel filändelse för sitt innehåll (%(type)s).", name=filename, type=self.types[mime]
            )
            raise ValidationError(str(message))
        return Upload(filename=filename, data=data, content_type=mime)


class SupportRequestForm(AppForm):
    """What a buyer tells the agency when asking for support."""

    title = StringField(_l("Upphandlingsprojektets namn"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    description = TextAreaField(
        _l("Beskrivning"),
        validators=[DataRequired(message=REQUIRED), Length(max=10000)],
        description=_l("Vad ska upphandlas, vad har ni gjort hittills och vad vill ni ha hjälp med?"),
    )
    need_area_id = SelectField(_l("Behovsområde"), coerce=int, validators=[Optional()])
    cpv_codes = CpvCodesField()
    estimated_value = KronorField(
        _l("Uppskattat värde i kronor (valfritt)"),
        description=_l("Heltal i kronor, till exempel 1 250 000."),
        invalid_message=_l("Skriv värdet som ett heltal i kronor, till exempel 1 250 000."),
    )
    phase = RadioField(
        _l("Var i upphandlingen är ni?"),
        choices=list(PROJECT_PHASES.items()),
        validators=[InputRequired(message=_l("Välj en fas."))],
    )
    support_kinds = MultiCheckboxField(
        _l("Vilket stöd vill ni ha?"),
        choices=list(SUPPORT_KINDS.items()),
        validators=[DataRequired(message=_l("Välj minst en stödform."))],
    )
    preferred_from = DateField(
        _l("Önskad period från"), validators=[Optional()], description=_l("Till exempel 2026-03-14.")
    )
    preferred_to = DateField(_l("Önskad period till"), validators=[Optional()])
    format = RadioField(_l("Form"), choices=list(FORMATS.items()), default=ON_SITE)
    place = StringField(
        _l("Plats"), validators=[Length(max=300)], description=_l("Adress eller ort, om stödet ges på plats.")
    )
    attachments = DocumentsField(_l("Bilagor (valfria)"))

    def validate_preferred_to(self, field: Field) -> None:
        """The period ends on or after its start."""
        if field.data and self.preferred_from.data and field.data < self.preferred_from.data:
            raise ValidationError(str(_l("Perioden måste sluta samma dag eller efter att den börjar.")))


class AttachmentForm(AppForm):
    """More documents for a request."""

    attachments = DocumentsField(_l("Lägg till bilagor"), required=True)


class GrantForm(AppForm):
    """Grant support and assign a facilitator."""

    facilitator_id = SelectField(
        _l("Facilitator"), coerce=int, validators=[DataRequired(message=_l("Välj en facilitator."))]
    )
    comment = TextAreaField(_l("Meddelande till beställaren (valfritt)"), validators=[Length(max=5000)])


class DeclineForm(AppForm):
    """Decline, with the reason the buyer is sent."""

    reason = TextAreaField(
        _l("Skäl till avslag"),
        validators=[DataRequired(message=_l("Skriv varför förfrågan avslås.")), Length(max=5000)],
        description=_l("Skälet skickas till beställaren."),
    )


class ReassignForm(AppForm):
    """Another facilitator for a granted request."""

    facilitator_id = SelectField(
        _l("Ny facilitator"), coerce=int, validators=[DataRequired(message=_l("Välj en facilitator."))]
    )


class NoteForm(AppForm):
    """An internal note."""

    body = TextAreaField(
        _l("Intern anteckning"),
        validators=[DataRequired(message=_l("Skriv en anteckning.")), Length(max=10000)],
        description=_l("Visas bara för myndighetens medarbetare."),
    )


class CloseForm(AppForm):
    """Close a request with a summary."""

    summary = TextAreaField(
        _l("Sammanfattning"),
        validators=[DataRequired(message=_l("Skriv en sammanfattning.")), Length(max=10000)],
        description=_l("Vad stödet gav och vad som återstår. Syns för beställaren."),
    )


def parse_slot_start(value: str) -> datetime | None:
    """A slot's start as sent by a slot button (ISO 8601 with offset), as UTC; None when malformed."""
    return datetime_arg(value)


class SlotField(StringField):
    """The start of a chosen slot; ``parsed`` is an aware UTC datetime once the form is valid."""

    parsed: datetime

    def pre_validate(self, form: FlaskForm) -> None:
        """A well-formed time with its offset."""
        start = parse_slot_start(self.data or "")
        if start is None:
            raise ValidationError(str(_l("Välj en av de lediga tiderna.")))
        self.parsed = start


class BookingForm(AppForm):
    """Book a session: the kind of support, where, and the chosen slot."""

    kind = SelectField(_l("Stödform"), choices=list(SUPPORT_KINDS.items()))
    place = StringField(_l("Plats"), validators=[Length(max=300)])
    video_link = StringField(
        _l("Länk till videomöte"),
        validators=[Optional(), Length(max=500), https_only],
        description=_l("En adress som börjar med https://"),
        render_kw={"inputmode": "url"},
    )
    start = SlotField(_l("Tid"))


class RescheduleForm(AppForm):
    """A new time for a session."""

    start = SlotField(_l("Ny tid"))


class CancelForm(AppForm):
    """Cancel a session."""

    reason = TextAreaField(
        _l("Varför avbokas sessionen?"),
        validators=[DataRequired(message=_l("Skriv varför sessionen avbokas.")), Length(max=2000)],
    )


class OutcomeForm(AppForm):
    """The facilitator's follow-up of a held session."""

    status = RadioField(
        _l("Hur gick det?"),
        choices=[(DONE, _l("Sessionen genomfördes")), (NO_SHOW, _l("Beställaren uteblev"))],
        validators=[InputRequired(message=_l("Välj genomförd eller uteblev."))],
    )
    outcome = TextAreaField(_l("Resultat"), validators=[Length(max=10000)])
    lessons = TextAreaField(_l("Lärdomar"), validators=[Length(max=10000)])


class FeedbackForm(AppForm):
    """The buyer's rating of a session."""

    rating = RadioField(
        _l("Hur nöjd är du med sessionen?"),
        choices=[
            ("5", _l("5 – Mycket nöjd")),
            ("4", _l("4 – Nöjd")),
            ("3", _l("3 – Varken eller")),
            ("2", _l("2 – Missnöjd")),
            ("1", _l("1 – Mycket missnöjd")),
        ],
        validators=[InputRequired(message=_l("Välj ett betyg från 1 till 5."))],
    )
    comment = TextAreaField(_l("Kommentar (valfri)"), validators=[Length(max=5000)])


MINUTES = _l("Ange ett antal minuter.")


class RulesForm(AppForm):
    """A facilitator's booking rules and need-area expertise."""

    buffer_minutes = IntegerField(
        _l("Buffert mellan sessioner (minuter)"),
        validators=[InputRequired(message=MINUTES), NumberRange(0, 240, message=_l("Mellan 0 och 240 minuter."))],
        render_kw={"inputmode": "numeric"},
    )
    notice_working_days = IntegerField(
        _l("Minsta framförhållning (arbetsdagar)"),
        validators=[
            InputRequired(message=_l("Ange ett antal arbetsdagar.")),
            NumberRange(0, 30, message=_l("Mellan 0 och 30 arbetsdagar.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    horizon_days = IntegerField(
        _l("Hur långt fram det går att boka (dagar)"),
        validators=[
            InputRequired(message=_l("Ange ett antal dagar.")),
            NumberRange(1, 365, message=_l("Mellan 1 och 365 dagar.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    start_every_minutes = SelectField(
        _l("Sessioner kan börja"),
        coerce=int,
        choices=[(minutes, label) for minutes, label in START_EVERY.items()],
        description=_l("Glesare starttider ger färre tider som överlappar varandra att välja mellan."),
    )
    need_area_ids = MultiCheckboxField(_l("Behovsområden jag kan"), coerce=int)


def _length_field(kind: str) -> IntegerField:
    return IntegerField(
        SUPPORT_KINDS[kind],
        validators=[InputRequired(message=MINUTES), NumberRange(15, 480, message=_l("Mellan 15 och 480 minuter."))],
        render_kw={"inputmode": "numeric"},
    )


for _kind in SUPPORT_KINDS:
    setattr(RulesForm, f"minutes_{_kind}", _length_field(_kind))


class WindowForm(AppForm):
    """A weekly working window."""

    weekday = SelectField(_l("Veckodag"), coerce=int, choices=list(enumerate(WEEKDAYS)))
    start_time = TimeField(_l("Från"), validators=[DataRequired(message=TIME_MESSAGE)])
    end_time = TimeField(_l("Till"), validators=[DataRequired(message=TIME_MESSAGE)])

    def validate_end_time(self, field: Field) -> None:
        """The end comes after the start."""
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(str(_l("Sluttiden måste vara efter starttiden.")))


class ExceptionForm(AppForm):
    """Absence or extra time."""

    kind = RadioField(_l("Typ"), choices=list(EXCEPTION_KINDS.items()), default="franvaro")
    start_day = DateField(_l("Från datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    # Their own ids: the weekly hours' form on the same page has start_time and end_time too.
    start_time = TimeField(
        _l("Från klockan"), validators=[DataRequired(message=TIME_MESSAGE)], id="exception_start_time"
    )
    end_day = DateField(_l("Till datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    end_time = TimeField(_l("Till klockan"), validators=[DataRequired(message=TIME_MESSAGE)], id="exception_end_time")
    note = StringField(_l("Anteckning (valfri)"), validators=[Length(max=200)])
