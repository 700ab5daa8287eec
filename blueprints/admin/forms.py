"""Admin forms: user access and need areas."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.accounts.forms import MultiCheckboxField
from blueprints.core.forms import AppForm
from blueprints.core.roles import ROLE_LABELS
from blueprints.vocabulary.forms import CpvCodesField

REQUIRED = _l("Fyll i fältet.")


class UserAccessForm(AppForm):
    """A user's roles and organisation."""

    roles = MultiCheckboxField(
        _l("Roller"),
        choices=list(ROLE_LABELS.items()),
        validators=[DataRequired(message=_l("Välj minst en roll."))],
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])


class NeedAreaForm(AppForm):
    """A need area: its name and the CPV branches it covers in the statistics."""

    name = StringField(_l("Namn"), validators=[DataRequired(message=REQUIRED), Length(max=120)])
    cpv_codes = CpvCodesField(
        _l("CPV-grenar"),
        description=_l(
            "Koderna som behovsområdet omfattar i upphandlingsstatistiken. En kod omfattar hela sin gren: "
            "60100000 tar med alla koder under 601."
        ),
    )
