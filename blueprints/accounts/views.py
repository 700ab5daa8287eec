"""Views for signing in and out, one-time links, the profile page and invitations."""

import sqlalchemy as sa
from flask import abort, flash, g, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.accounts import bp
from blueprints.accounts.access import SESSION_KEY, current_user, login_required, public, role_required
from blueprints.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    ProfileForm,
    SetPasswordForm,
)
from blueprints.accounts.models import ApiToken, User, UserSession
from blueprints.accounts.roles import ADMIN, FACILITATOR, STAFF
from blueprints.accounts.services import (
    InvalidCredentials,
    LoginLocked,
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
    start_session,
    update_profile,
)
from blueprints.core.db import db, utcnow
from blueprints.core.forms import commit_or_show_error, form_status
from blueprints.core.htmx import render
from blueprints.core.security import safe_next_url
from blueprints.organisations.models import Organisation
from blueprints.organisations.queries import organisation_choices


def _sign_in(user: User) -> None:
    # A fresh cookie on sign-in: nothing from before (session fixation) carries over.
    session.clear()
    session[SESSION_KEY] = start_session(user=user)


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    """Sign in with e-mail and password."""
    next_url = request.values.get("next")
    if current_user() is not None:
        return redirect(safe_next_url(next_url, url_for("core.index")))
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
        else:
            _sign_in(user)
            db.session.commit()
            flash(_("Du är inloggad."), "success")
            return redirect(safe_next_url(next_url, url_for("core.index")), 303)
    elif form.is_submitted():
        status = 422
    return render("accounts/login.html", form=form, next_url=safe_next_url(next_url, "") or None, status=status)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out: the server-side session ends, so a copied cookie stops working too."""
    end_session(user_session=g.user_session)
    db.session.commit()
    session.clear()
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
    extend_session(user_session=g.user_session)
    db.session.commit()
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        remaining = session_expiry(g.user_session) - utcnow()
        return jsonify(remaining_seconds=int(remaining.total_seconds()))
    flash(_("Sessionen är förlängd."), "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("core.index")), 303)


@bp.route("/losenord/glomt", methods=["GET", "POST"])
@public
def forgot_password() -> ResponseReturnValue:
    """Ask for a password-reset link by e-mail."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(email=form.email.data or "")
        db.session.commit()
        flash(_("Om adressen finns hos oss har vi skickat en länk för att välja nytt lösenord."), "success")
        return redirect(url_for("accounts.login"), 303)
    return render("accounts/forgot_password.html", form=form, status=form_status(form))


def _token_page(token: str, purpose: str, template: str, done_message: str) -> ResponseReturnValue:
    row = find_valid_token(token=token, purpose=purpose)
    if row is None:
        return render("accounts/token_invalid.html", status=404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        set_password_with_token(token=row, password=form.password.data or "")
        db.session.commit()
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
    user = current_user()
    assert user is not None
    sessions = db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    live_sessions = [s for s in sessions if session_expiry(s) > utcnow()]
    context = {
        "profile_form": ProfileForm(obj=user, formdata=None),
        "password_form": ChangePasswordForm(formdata=None),
        "sessions": live_sessions,
        "current_session_id": g.user_session.id,
        "api_tokens": db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        ).all()
        if user.is_staff
        else [],
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
    update_profile(user=g.user, name=form.name.data or "", language=form.language.data or "sv")
    db.session.commit()
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
        _sign_in(user)
        return user

    if form.validate_on_submit() and commit_or_show_error(form, change_and_sign_in_again):
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
    end_session(user_session=user_session)
    db.session.commit()
    if user_session.id == g.user_session.id:
        session.clear()
        return redirect(url_for("accounts.login"), 303)
    flash(_("Inloggningen är avslutad."), "success")
    return redirect(url_for("accounts.profile"), 303)


@bp.post("/profil/api-nycklar")
@role_required(*STAFF)
def create_own_api_token() -> ResponseReturnValue:
    """Create a personal API token; its secret is shown this once."""
    form = ApiTokenForm(prefix="token")
    created = form.validate_on_submit() and commit_or_show_error(
        form, lambda: create_api_token(user=g.user, name=form.name.data or "")
    )
    if not created:
        return _profile_page(422, token_form=form)
    return _profile_page(200, new_secret=created[1])


@bp.post("/profil/api-nycklar/<int:token_id>/aterkalla")
@role_required(*STAFF)
def revoke_own_api_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of the user's own API tokens."""
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != g.user.id:
        abort(404)
    revoke_api_token(token=token)
    db.session.commit()
    flash(_("API-nyckeln är återkallad och fungerar inte längre."), "success")
    return redirect(url_for("accounts.profile") + "#api-nycklar", 303)


def _invite_form() -> InviteForm:
    form = InviteForm()
    form.organisation_id.choices = organisation_choices()
    if not g.user.has_role(ADMIN):
        form.roles.choices = [(r, label) for r, label in form.roles.choices if r == "buyer"]
    if request.method == "GET":
        form.roles.data = ["buyer"]
        form.organisation_id.data = request.args.get("organisation", 0, type=int)
    return form


@bp.route("/anvandare/bjud-in", methods=["GET", "POST"])
@role_required(FACILITATOR, ADMIN)
def invite() -> ResponseReturnValue:
    """Invite a user by e-mail (facilitators invite buyers; admins any role)."""
    form = _invite_form()
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
        invited = commit_or_show_error(
            form,
            lambda: invite_user(
                inviter=g.user,
                email=form.email.data or "",
                name=form.name.data or "",
                roles=set(form.roles.data or []),
                organisation=organisation,
                language=form.language.data or "sv",
            ),
        )
        if invited is not None:
            flash(_("Inbjudan till %(email)s är skickad.", email=invited.email), "success")
            if organisation is not None:
                return redirect(url_for("organisations.detail", organisation_id=organisation.id), 303)
            return redirect(url_for("accounts.invite"), 303)
    return render("accounts/invite.html", form=form, status=form_status(form))
