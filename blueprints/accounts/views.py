"""Views for signing in and out, one-time links, the profile page and invitations."""

from flask import abort, flash, g, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.accounts.blueprint import bp
from blueprints.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    ProfileForm,
    SetPasswordForm,
)
from blueprints.accounts.identify import sign_in_browser
from blueprints.accounts.models import ApiToken, User, UserSession
from blueprints.accounts.policies import INVITE_ANY_ROLE, INVITE_USERS, USE_API_TOKENS
from blueprints.accounts.queries import api_tokens_of, live_sessions_of
from blueprints.accounts.services import (
    InvalidCredentials,
    LoginLocked,
    PasswordNotAllowed,
    authenticate,
    change_password,
    create_api_token,
    end_session,
    extend_session,
    find_valid_token,
    invite_user,
    request_password_reset,
    revoke_api_token,
    session_expiry,
    set_password_with_token,
    update_profile,
)
from blueprints.core.access import current_user, login_required, permission_required, public
from blueprints.core.actions import form_status, perform
from blueprints.core.db import db, utcnow
from blueprints.core.htmx import render
from blueprints.core.registry import areas
from blueprints.core.security import safe_next_url
from blueprints.organisations.models import Organisation
from blueprints.organisations.queries import organisation_choices


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    """Sign in with e-mail and password."""
    next_url = request.values.get("next")
    if current_user() is not None:
        return redirect(safe_next_url(next_url, url_for("site.index")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(email=form.email.data or "", password=form.password.data or "")
        except LoginLocked as error:
            db.session.commit()
            form.form_errors.append(error.message)
            status = 429
        except InvalidCredentials as error:
            db.session.commit()
            form.form_errors.append(error.message)
            status = 422
        except PasswordNotAllowed as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = 403
        else:
            sign_in_browser(user)
            db.session.commit()
            flash(_("Du är inloggad."), "success")
            return redirect(safe_next_url(next_url, url_for("site.index")), 303)
    elif form.is_submitted():
        status = 422
    return render("accounts/login.html", form=form, next_url=safe_next_url(next_url, "") or None, status=status)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out: the server-side session ends, so a copied cookie stops working too."""
    perform(lambda: end_session(user_session=g.user_session))
    kept = {key: session[key] for key in areas().kept_at_sign_out if key in session}
    session.clear()
    session.update(kept)
    flash(_("Du är utloggad."), "success")
    return redirect(url_for("accounts.login"), 303)


@bp.get("/session/status")
@login_required
def session_status() -> ResponseReturnValue:
    """Seconds left before the idle timeout (does not itself count as activity)."""
    remaining = session_expiry(g.user_session) - utcnow()
    return jsonify(remaining_seconds=max(0, int(remaining.total_seconds())))


@bp.post("/session/forlang")
@login_required
def extend() -> ResponseReturnValue:
    """Extend the session ("Förläng sessionen")."""
    perform(lambda: extend_session(user_session=g.user_session))
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        remaining = session_expiry(g.user_session) - utcnow()
        return jsonify(remaining_seconds=int(remaining.total_seconds()))
    flash(_("Sessionen är förlängd."), "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("site.index")), 303)


@bp.route("/losenord/glomt", methods=["GET", "POST"])
@public
def forgot_password() -> ResponseReturnValue:
    """Ask for a password-reset link by e-mail."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        perform(lambda: request_password_reset(email=form.email.data or ""))
        flash(_("Om adressen finns hos oss har vi skickat en länk för att välja nytt lösenord."), "success")
        return redirect(url_for("accounts.login"), 303)
    return render("accounts/forgot_password.html", form=form, status=form_status(form))


def _token_page(token: str, purpose: str, template: str, done_message: str) -> ResponseReturnValue:
    row = find_valid_token(token=token, purpose=purpose)
    if row is None:
        return render("accounts/token_invalid.html", status=404)
    form = SetPasswordForm()
    if form.validate_on_submit() and perform(
        lambda: set_password_with_token(token=row, password=form.password.data or ""), form=form
    ):
        session.clear()
        flash(done_message, "success")
        return redirect(url_for("accounts.login"), 303)
    return render(template, form=form, user=row.user, status=form_status(form))


@bp.route("/losenord/aterstall/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password through a one-time reset link."""
    return _token_page(
        token, "reset", "accounts/reset_password.html", _("Ditt lösenord är bytt. Logga in med det nya lösenordet.")
    )


@bp.route("/inbjudan/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str) -> ResponseReturnValue:
    """Accept an invitation by choosing a password."""
    return _token_page(
        token,
        "invitation",
        "accounts/accept_invitation.html",
        _("Välkommen! Ditt konto är klart. Logga in för att börja."),
    )


def _profile_page(status: int = 200, **forms: object) -> ResponseReturnValue:
    user = g.user
    context = {
        "profile_form": ProfileForm(obj=user, formdata=None),
        "password_form": ChangePasswordForm(formdata=None),
        "sessions": live_sessions_of(user),
        "current_session_id": g.user_session.id,
        "api_tokens": api_tokens_of(user) if USE_API_TOKENS(user) else [],
        "token_form": ApiTokenForm(formdata=None, prefix="token"),
        "new_secret": None,
    }
    context.update(forms)
    return render("accounts/profile.html", status=status, **context)


@bp.get("/profil")
@login_required
def profile() -> ResponseReturnValue:
    """The user's own profile: name, language, password, active sessions."""
    return _profile_page()


@bp.post("/profil")
@login_required
def update_own_profile() -> ResponseReturnValue:
    """Save name and language."""
    form = ProfileForm()
    if not form.validate_on_submit():
        return _profile_page(422, profile_form=form)
    perform(lambda: update_profile(user=g.user, name=form.name.data or "", language=form.language.data or "sv"))
    flash(_("Profilen är sparad."), "success")
    return redirect(url_for("accounts.profile"), 303)


@bp.post("/profil/losenord")
@login_required
def change_own_password() -> ResponseReturnValue:
    """Change the password; every session ends and this browser gets a fresh one."""
    form = ChangePasswordForm()

    def change_and_sign_in_again() -> User:
        user = change_password(
            user=g.user, current_password=form.current_password.data or "", new_password=form.password.data or ""
        )
        sign_in_browser(user)
        return user

    if form.validate_on_submit() and perform(change_and_sign_in_again, form=form):
        flash(_("Lösenordet är bytt. Dina andra inloggningar har avslutats."), "success")
        return redirect(url_for("accounts.profile"), 303)
    return _profile_page(422, password_form=form)


@bp.post("/profil/sessioner/<int:session_id>/avsluta")
@login_required
def end_own_session(session_id: int) -> ResponseReturnValue:
    """End one of the user's own sessions (for example on a lost laptop)."""
    user_session = db.get_or_404(UserSession, session_id)
    if user_session.user_id != g.user.id:
        abort(404)
    perform(lambda: end_session(user_session=user_session))
    if user_session.id == g.user_session.id:
        session.clear()
        return redirect(url_for("accounts.login"), 303)
    flash(_("Inloggningen är avslutad."), "success")
    return redirect(url_for("accounts.profile"), 303)


@bp.post("/profil/api-nycklar")
@permission_required(USE_API_TOKENS)
def create_own_api_token() -> ResponseReturnValue:
    """Create a personal API token; its secret is shown this once."""
    form = ApiTokenForm(prefix="token")
    created = form.validate_on_submit() and perform(
        lambda: create_api_token(user=g.user, name=form.name.data or ""), form=form
    )
    if not created:
        return _profile_page(422, token_form=form)
    return _profile_page(200, new_secret=created[1])


@bp.post("/profil/api-nycklar/<int:token_id>/aterkalla")
@permission_required(USE_API_TOKENS)
def revoke_own_api_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of the user's own API tokens."""
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != g.user.id:
        abort(404)
    perform(lambda: revoke_api_token(token=token))
    flash(_("API-nyckeln är återkallad och fungerar inte längre."), "success")
    return redirect(url_for("accounts.profile") + "#api-nycklar", 303)


def _invite_form() -> InviteForm:
    form = InviteForm()
    form.organisation_id.choices = organisation_choices()
    if not INVITE_ANY_ROLE(g.user):
        form.roles.choices = [(r, label) for r, label in form.roles.choices if r == "buyer"]
    if request.method == "GET":
        form.roles.data = ["buyer"]
        form.organisation_id.data = request.args.get("organisation", 0, type=int)
    return form


@bp.route("/anvandare/bjud-in", methods=["GET", "POST"])
@permission_required(INVITE_USERS)
def invite() -> ResponseReturnValue:
    """Invite a user by e-mail (facilitators invite buyers; admins any role)."""
    form = _invite_form()
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
        invited = perform(
            lambda: invite_user(
                inviter=g.user,
                email=form.email.data or "",
                name=form.name.data or "",
                roles=set(form.roles.data or []),
                organisation=organisation,
                language=form.language.data or "sv",
            ),
            form=form,
        )
        if invited is not None:
            flash(_("Inbjudan till %(email)s är skickad.", email=invited.email), "success")
            if organisation is not None:
                return redirect(url_for("organisations.detail", organisation_id=organisation.id), 303)
            return redirect(url_for("accounts.invite"), 303)
    return render("accounts/invite.html", form=form, status=form_status(form))
