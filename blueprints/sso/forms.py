"""Forms of the sign-in settings page: what a provider's accounts may do, and group → role."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.core.forms import AppForm
from blueprints.core.roles import ROLE_LABELS


class ProviderSettingForm(AppForm):
    """Whether a provider's linked accounts may also use a password."""

    passwords_allowed = BooleanField(
        _l("Kopplade konton får också logga in med lösenord"),
        description=_l(
            "Administratörer kan alltid logga in med lösenord, så att de kommer in även när leverantören inte svarar."
        ),
    )


class GroupRoleForm(AppForm):
    """A provider group that gives a role (and for buyers an organisation)."""

    group_name = StringField(
        _l("Grupp hos leverantören"),
        validators=[DataRequired(message=_l("Fyll i fältet.")), Length(max=255)],
        description=_l("Gruppens namn eller id som leverantören skickar (i Entra ID gruppens objekt-id)."),
    )
    role = SelectField(_l("Roll i Köpkraft"), choices=list(ROLE_LABELS.items()))
    organisation_id = SelectField(_l("Organisation (för beställare)"), coerce=int, validators=[Optional()])
