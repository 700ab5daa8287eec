"""The challenge form (with CPV codes typed or picked), review decisions and comments, the import upload."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from blueprints.challenges.constants import INNOVATION_LEVELS, NETWORK_INTEREST, QUARTERS, VISIBILITY
from blueprints.core.forms import AppForm, KronorField
from blueprints.vocabulary.forms import CpvCodesField

REQUIRED = _l("Fyll i fältet.")


class ChallengeForm(AppForm):
    """Propose or edit a challenge."""

    title = StringField(_l("Titel"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    description = TextAreaField(
        _l("Beskrivning av behovet"),
        validators=[Length(max=10000)],
        description=_l("Vad behöver ni, varför, och vad vet ni redan om marknaden?"),
    )
    need_area_id = SelectField(_l("Behovsområde"), coerce=int, validators=[Optional()])
    cpv_codes = CpvCodesField(
        _l("CPV-koder"),
        description=_l(
            "Sök med ord som skolskjuts eller städning, eller skriv koder (45233120 eller 45233120-6) "
            "åtskilda med mellanslag, komma eller semikolon."
        ),
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])
    contact_name = StringField(_l("Kontaktperson"), validators=[Length(max=200)])
    contact_email = StringField(
        _l("Kontaktpersonens e-postadress"),
        validators=[
            Optional(),
            Email(message=_l("Ange en giltig e-postadress, till exempel namn@kommun.se.")),
            Length(max=254),
        ],
    )
    annual_volume = KronorField(
        _l("Uppskattad årlig volym i kronor"),
        description=_l("Heltal i kronor, till exempel 1 250 000."),
        invalid_message=_l("Skriv volymen som ett heltal i kronor, till exempel 1 250 000."),
    )
    planned_year = SelectField(_l("Planerad upphandling: år"), coerce=int, validators=[Optional()])
    planned_quarter = SelectField(
        _l("Planerad upphandling: kvartal"),
        coerce=int,
        validators=[Optional()],
        choices=[(0, _l("Inget kvartal valt")), *QUARTERS.items()],
    )
    innovation_level = RadioField(
        _l("Innovationsnivå"), choices=list(INNOVATION_LEVELS.items()), validators=[Optional()]
    )
    network_interest = RadioField(
        _l("Vill ni delta i ett beställarnätverk?"), choices=list(NETWORK_INTEREST.items()), validators=[Optional()]
    )
    visibility = RadioField(_l("Vem får se utmaningen?"), choices=list(VISIBILITY.items()), default="all")
    share_contact = BooleanField(
        _l("Andra organisationer får se kontaktpersonen"),
        description=_l("Så kan en beställare med samma behov höra av sig direkt. Myndigheten ser den alltid."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        this_year = date.today().year
        self.planned_year.choices = [(0, _l("Inget år valt"))] + [(y, str(y)) for y in range(this_year, this_year + 6)]


class DecisionForm(AppForm):
    """A staff decision on a challenge, with a note to the buyer."""

    note = TextAreaField(_l("Meddelande till beställaren"), validators=[Length(max=5000)])


class CommentForm(AppForm):
    """A staff comment."""

    body = TextAreaField(
        _l("Kommentar"), validators=[DataRequired(message=_l("Skriv en kommentar.")), Length(max=5000)]
    )
    internal = BooleanField(_l("Intern kommentar (syns inte för beställaren)"))


class ImportForm(AppForm):
    """A CSV or XLSX file of challenges."""

    file = FileField(_l("Fil (CSV eller XLSX)"), validators=[FileRequired(message=_l("Välj en fil."))])
