"""Forms: a network, its phase, an invitation, a linked challenge, an activity."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, Field, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from blueprints.accounts.forms import MultiCheckboxField
from blueprints.core.args import int_arg, is_number
from blueprints.core.forms import AppForm, https_only
from blueprints.networks.constants import ACTIVITY_KINDS, MEMBER, MEMBER_ROLES, OBSERVER, PHASES
from blueprints.organisations.forms import OrganisationPickerField
from blueprints.vocabulary.forms import CpvCodesField

REQUIRED = _l("Fyll i fältet.")


class NetworkForm(AppForm):
    """Create or edit a network."""

    name = StringField(_l("Namn"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    common_challenge = TextAreaField(
        _l("Gemensam utmaning"),
        validators=[DataRequired(message=REQUIRED), Length(max=10000)],
        description=_l("Vilket behov samlas nätverket kring, och vad vill det åstadkomma tillsammans?"),
    )
    need_area_id = SelectField(_l("Behovsområde"), coerce=int, validators=[Optional()])
    cpv_codes = CpvCodesField()
    host_organisation_id = SelectField(_l("Värdorganisation"), coerce=int, validators=[Optional()])
    coordinator_id = SelectField(_l("Samordnare på myndigheten"), coerce=int, validators=[Optional()])
    openness = RadioField(
        _l("Vem kan se nätverket?"),
        choices=[
            ("open", _l("Öppet: alla inloggade ser nätverket")),
            ("closed", _l("Slutet: bara medlemmarna och myndigheten")),
        ],
        default="open",
    )
    challenge_ids = MultiCheckboxField(_l("Utmaningar att koppla till nätverket"), coerce=int)
    organisation_ids = MultiCheckboxField(_l("Organisationer att bjuda in"), coerce=int)
    invite = RadioField(
        _l("Bjud in organisationerna bakom utmaningarna och de valda organisationerna?"),
        choices=[("yes", _l("Ja, skicka inbjudningar")), ("no", _l("Nej, inte nu"))],
        default="yes",
    )


class PhaseForm(AppForm):
    """Move the network to another phase."""

    phase = SelectField(_l("Ny fas"), choices=list(PHASES.items()))
    note = TextAreaField(_l("Kommentar (valfri)"), validators=[Length(max=2000)])


class InviteForm(AppForm):
    """Invite an organisation."""

    organisation = OrganisationPickerField(validators=[DataRequired(message=_l("Välj en organisation."))])
    role = RadioField(
        _l("Roll"), choices=[(MEMBER, MEMBER_ROLES[MEMBER]), (OBSERVER, MEMBER_ROLES[OBSERVER])], default=MEMBER
    )
    person_email = EmailField(
        _l("Bjud in en person där (valfritt)"),
        validators=[Optional(), Email(message=_l("Skriv en giltig e-postadress.")), Length(max=254)],
        description=_l(
            "Behövs när ingen på organisationen använder Köpkraft: personen bjuds in som beställare och ser "
            "nätverkets inbjudan när hen har loggat in."
        ),
    )
    person_name = StringField(_l("Personens namn (valfritt)"), validators=[Optional(), Length(max=200)])

    @property
    def person(self) -> tuple[str, str] | None:
        """The person to invite along, if one was named."""
        email = (self.person_email.data or "").strip()
        return (email, self.person_name.data or "") if email else None


class LinkChallengeForm(AppForm):
    """Link a challenge by its number."""

    challenge_id = StringField(
        _l("Utmaningens nummer"),
        validators=[DataRequired(message=REQUIRED)],
        description=_l("Numret står i utmaningens adress, till exempel 42 i /utmaningar/42."),
        render_kw={"inputmode": "numeric"},
    )

    def validate_challenge_id(self, field: Field) -> None:
        """A positive whole number that could name a challenge."""
        if not is_number((field.data or "").strip()):
            raise ValidationError(str(_l("Skriv utmaningens nummer med siffror.")))
        field.parsed = int_arg(field.data)
        if field.parsed is None:
            raise ValidationError(str(_l("Det finns ingen utmaning med det numret.")))


class ActivityForm(AppForm):
    """Plan or document an activity."""

    kind = SelectField(_l("Typ av aktivitet"), choices=list(ACTIVITY_KINDS.items()))
    title = StringField(_l("Rubrik"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    day = DateField(
        _l("Datum"),
        validators=[DataRequired(message=_l("Ange ett datum som ÅÅÅÅ-MM-DD."))],
        description=_l("Till exempel 2026-03-14."),
    )
    start_time = TimeField(_l("Starttid"), validators=[DataRequired(message=_l("Ange en tid som TT:MM."))])
    end_time = TimeField(_l("Sluttid"), validators=[DataRequired(message=_l("Ange en tid som TT:MM."))])
    place = StringField(_l("Plats"), validators=[Length(max=300)])
    video_link = StringField(
        _l("Länk till videomöte"),
        validators=[Optional(), Length(max=500), https_only],
        description=_l("En adress som börjar med https://"),
        render_kw={"inputmode": "url"},
    )
    agenda = TextAreaField(_l("Dagordning"), validators=[Length(max=10000)])
    minutes = TextAreaField(_l("Minnesanteckningar"), validators=[Length(max=20000)])
    organisation_ids = MultiCheckboxField(_l("Deltagande organisationer"), coerce=int)
    suppliers = TextAreaField(
        _l("Leverantörer som deltog"),
        validators=[Length(max=10000)],
        description=_l("För marknadsdialoger: en leverantör per rad."),
    )
    shared_information = TextAreaField(
        _l("Information som delades med leverantörerna"),
        validators=[Length(max=20000)],
        description=_l("Så att det går att visa att alla leverantörer fick samma information."),
    )

    def validate_end_time(self, field: Field) -> None:
        """The end comes after the start."""
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(str(_l("Sluttiden måste vara efter starttiden.")))
