"""Admin forms: user access and need areas."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.accounts.forms import MultiCheckboxField
from blueprints.core.roles import ROLE_LABELS

REQUIRED = _l("Fyll i fältet.")


class UserAccessForm(FlaskForm):
    """A user's roles and organisation."""

    roles = MultiCheckboxField(
        _l("Roller"),
        choices=list(ROLE_LABELS.items()),
        validators=[DataRequired(message=_l("Välj minst en roll."))],
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])


class NeedAreaForm(FlaskForm):
    """Name of a need area."""

    name = StringField(_l("Namn"), validators=[DataRequired(message=REQUIRED), Length(max=120)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""
