"""The organisation form, with organisationsnummer and kommunkod validation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.se import orgnr
from wtforms import Field, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from blueprints.core.forms import AppForm, KronorField
from blueprints.organisations.regions import COUNTIES, KINDS

REQUIRED = _l("Fyll i fältet.")


def validate_org_number(value: str) -> str:
    """Return the normalised organisationsnummer (10 digits) or raise ValidationError in Swedish."""
    try:
        return orgnr.validate(value)
    except StdnumValidationError as error:
        raise ValidationError(
            str(_l("Organisationsnumret är inte giltigt. Skriv tio siffror, till exempel 212000-1132."))
        ) from error


class OrganisationForm(AppForm):
    """Create or edit a contracting authority."""

    name = StringField(_l("Namn"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    org_number = StringField(
        _l("Organisationsnummer"),
        validators=[DataRequired(message=REQUIRED)],
        description=_l("Tio siffror, med eller utan bindestreck: 212000-1132."),
    )
    kind = SelectField(
        _l("Typ"),
        choices=[("", _l("Välj typ")), *KINDS.items()],
        validators=[DataRequired(message=_l("Välj en typ."))],
    )
    county_code = SelectField(
        _l("Län"),
        choices=[("", _l("Välj län")), *COUNTIES.items()],
        validators=[DataRequired(message=_l("Välj ett län."))],
    )
    municipality_code = StringField(
        _l("Kommunkod (valfri)"),
        validators=[Optional(), Regexp(r"^\d{4}$", message=_l("Kommunkoden har fyra siffror, till exempel 1280."))],
        description=_l("Fyra siffror; de två första är länets kod."),
    )
    annual_volume = KronorField(
        _l("Årlig upphandlingsvolym i kronor (valfri)"),
        description=_l("Heltal i kronor, till exempel 1 250 000."),
        invalid_message=_l("Skriv volymen som ett heltal i kronor, till exempel 1 250 000."),
    )

    def validate_org_number(self, field: Field) -> None:
        """Check digit and length, via python-stdnum; stores the normalised number."""
        field.data = validate_org_number(field.data or "")

    def validate_municipality_code(self, field: Field) -> None:
        """A kommunkod starts with its county's code."""
        if field.data and self.county_code.data and not field.data.startswith(self.county_code.data):
            raise ValidationError(str(_l("Kommunkoden hör inte till det valda länet.")))


class OrganisationPickerField(StringField):
    """An organisation named by its name or organisationsnummer ("Lunds kommun", "212000-1132", or a
    suggestion "Lunds kommun (212000-1132)"). With JavaScript the field suggests organisations as one types (the
    macro ``organisation_field``); without, the text is resolved when the form is sent. Validation sets
    ``organisation_id``; when the text names none or several, the message lists the nearest."""

    def __init__(self, label: object = None, **kwargs: object) -> None:
        kwargs.setdefault("description", _l("Skriv namn eller organisationsnummer och välj bland förslagen."))
        super().__init__(label or _l("Organisation"), **kwargs)  # type: ignore[arg-type]
        self.organisation_id: int | None = None

    def pre_validate(self, form: FlaskForm) -> None:
        """Find the organisation the text names."""
        from flask_babel import gettext

        from blueprints.organisations.queries import find_organisation

        self.organisation_id = None
        text = (self.data or "").strip()
        if not text:
            return
        found = find_organisation(text)
        if found.organisation is not None:
            self.organisation_id = found.organisation.id
            return
        if not found.candidates:
            raise ValidationError(gettext("Ingen organisation heter så eller har det organisationsnumret."))
        names = ", ".join(f"{o.name} ({o.org_number_display})" for o in found.candidates)
        raise ValidationError(gettext("Flera organisationer passar: %(names)s. Välj en av dem.", names=names))
