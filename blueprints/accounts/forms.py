"""Forms for signing in, passwords, the profile and invitations."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from blueprints.core.forms import AppForm
from blueprints.core.roles import ROLE_LABELS

LANGUAGE_CHOICES = [("sv", "Svenska"), ("en", "English")]

REQUIRED = _l("Fyll i fältet.")
EMAIL_INVALID = _l("Ange en giltig e-postadress, till exempel namn@kommun.se.")
PASSWORD_LENGTH = _l("Lösenordet måste ha minst %(min)d tecken.", min=MIN_PASSWORD_LENGTH)
PASSWORD_MISMATCH = _l("Lösenorden är inte lika.")


def _email_field(label: str) -> EmailField:
    return EmailField(
        label,
        validators=[DataRequired(message=REQUIRED), Email(message=EMAIL_INVALID), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("Nytt lösenord"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH, message=PASSWORD_LENGTH),
        ],
        description=_l("Minst %(min)d tecken. En mening av flera ord är lätt att minnas.", min=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Upprepa lösenordet"),
        validators=[DataRequired(message=REQUIRED), EqualTo("password", message=PASSWORD_MISMATCH)],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(AppForm):
    """E-mail and password."""

    email = _email_field(_l("E-postadress"))
    password = PasswordField(
        _l("Lösenord"), validators=[DataRequired(message=REQUIRED)], render_kw={"autocomplete": "current-password"}
    )


class ForgotPasswordForm(AppForm):
    """Ask for a reset link."""

    email = _email_field(_l("E-postadress"))


class SetPasswordForm(AppForm):
    """Choose a password through a one-time link."""

    password, confirm = _new_password_fields()


class ProfileForm(AppForm):
    """The user's own name and language."""

    name = StringField(
        _l("Namn"), validators=[DataRequired(message=REQUIRED), Length(max=200)], render_kw={"autocomplete": "name"}
    )
    language = SelectField(_l("Språk"), choices=LANGUAGE_CHOICES)


class ChangePasswordForm(AppForm):
    """Change the password, proving the current one."""

    current_password = PasswordField(
        _l("Nuvarande lösenord"),
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = _new_password_fields()


class InviteForm(AppForm):
    """Invite a new user by e-mail."""

    email = _email_field(_l("E-postadress"))
    name = StringField(_l("Namn"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    roles = MultiCheckboxField(
        _l("Roller"),
        choices=[(role, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired(message=_l("Välj minst en roll."))],
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])
    language = SelectField(_l("Språk för e-post och gränssnitt"), choices=LANGUAGE_CHOICES)


class ApiTokenForm(AppForm):
    """Name a new personal API token."""

    name = StringField(
        _l("Vad ska nyckeln användas till?"),
        validators=[DataRequired(message=REQUIRED), Length(max=100)],
        description=_l("Till exempel: Rapportering i Power BI."),
    )
