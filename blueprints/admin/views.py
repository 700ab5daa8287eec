"""Admin views: users, need areas, the audit log and the e-mail outbox."""

from flask import flash, g, make_response, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.accounts.models import User
from blueprints.accounts.services import set_user_active, update_user_access
from blueprints.admin.audit_log import named_facets, readable
from blueprints.admin.blueprint import bp
from blueprints.admin.forms import NeedAreaForm, UserAccessForm
from blueprints.admin.policies import ADMINISTER
from blueprints.admin.queries import (
    all_need_areas,
    audit_facets,
    delivered_emails,
    operations_overview,
    search_audit,
    search_users,
    undelivered_emails,
)
from blueprints.admin.services import add_need_area, change_need_area, set_need_area_retired
from blueprints.core.access import permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.db import db
from blueprints.core.forms import EmptyForm
from blueprints.core.htmx import render
from blueprints.core.i18n import current_language
from blueprints.core.models import OutboxEmail
from blueprints.core.outbox import retry_failed_email
from blueprints.core.roles import ROLE_LABELS, ROLES
from blueprints.organisations.models import Organisation
from blueprints.organisations.queries import organisation_choices
from blueprints.vocabulary.models import NeedArea
from blueprints.vocabulary.queries import selected_cpv


@bp.get("/anvandare")
@permission_required(ADMINISTER)
def users() -> ResponseReturnValue:
    """All users with search and filters (role, status)."""
    page, flt = search_users(request.args)
    return render("admin/users.html", block="results", page=page, flt=flt, roles=ROLES, role_labels=ROLE_LABELS)


def _access_form(user: User) -> UserAccessForm:
    form = UserAccessForm()
    form.organisation_id.choices = organisation_choices()
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.organisation_id.data = user.organisation_id or 0
    return form


@bp.route("/anvandare/<int:user_id>", methods=["GET", "POST"])
@permission_required(ADMINISTER)
def user_detail(user_id: int) -> ResponseReturnValue:
    """A user's access: roles, organisation, active or not."""
    user = db.get_or_404(User, user_id)
    form = _access_form(user)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None
        roles = set(form.roles.data or [])
        if perform(lambda: update_user_access(user=user, roles=roles, organisation=organisation), form=form):
            flash(_("Behörigheterna för %(name)s är sparade.", name=user.name), "success")
            return redirect(url_for("admin.user_detail", user_id=user.id), 303)
    return render("admin/user_detail.html", user=user, form=form, toggle_form=EmptyForm(), status=form_status(form))


@bp.post("/anvandare/<int:user_id>/aktiv")
@permission_required(ADMINISTER)
def toggle_user_active(user_id: int) -> ResponseReturnValue:
    """Deactivate (ending every session at once) or reactivate a user."""
    user = db.get_or_404(User, user_id)
    if user.id == g.user.id:
        flash(_("Du kan inte inaktivera dig själv."), "error")
        return redirect(url_for("admin.user_detail", user_id=user.id), 303)
    perform(lambda: set_user_active(user=user, active=not user.is_active))
    message = _("%(name)s är aktiverad.") if user.is_active else _("%(name)s är inaktiverad och utloggad.")
    flash(message % {"name": user.name}, "success")
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)


def _selected_cpv(form: NeedAreaForm) -> list[tuple[str, str]]:
    return selected_cpv(form.cpv_codes.data or "", current_language())


def _need_area_page(form: NeedAreaForm, status: int = 200) -> ResponseReturnValue:
    return render(
        "admin/need_areas.html",
        areas=all_need_areas(),
        form=form,
        selected_cpv=_selected_cpv(form),
        action_form=EmptyForm(),
        status=status,
    )


@bp.get("/behovsomraden")
@permission_required(ADMINISTER)
def need_areas() -> ResponseReturnValue:
    """The need-area taxonomy."""
    return _need_area_page(NeedAreaForm(formdata=None))


@bp.post("/behovsomraden")
@permission_required(ADMINISTER)
def create_need_area() -> ResponseReturnValue:
    """Add a need area."""
    form = NeedAreaForm()
    if form.validate_on_submit():
        area = perform(lambda: add_need_area(name=form.name.data or "", cpv_codes=form.cpv_codes.parsed), form=form)
        if area is not None:
            flash(_("Behovsområdet %(name)s är tillagt.", name=area.name), "success")
            return redirect(url_for("admin.need_areas"), 303)
    return _need_area_page(form, 422)


@bp.route("/behovsomraden/<int:area_id>", methods=["GET", "POST"])
@permission_required(ADMINISTER)
def edit_need_area(area_id: int) -> ResponseReturnValue:
    """Rename a need area or change the CPV branches it covers."""
    area = db.get_or_404(NeedArea, area_id)
    form = NeedAreaForm(obj=area)
    changed = form.validate_on_submit() and perform(
        lambda: change_need_area(area=area, name=form.name.data or "", cpv_codes=form.cpv_codes.parsed), form=form
    )
    if changed:
        flash(_("Behovsområdet %(name)s är sparat.", name=area.name), "success")
        return redirect(url_for("admin.need_areas"), 303)
    return render(
        "admin/need_area_form.html", area=area, form=form, selected_cpv=_selected_cpv(form), status=form_status(form)
    )


@bp.post("/behovsomraden/<int:area_id>/status")
@permission_required(ADMINISTER)
def toggle_need_area(area_id: int) -> ResponseReturnValue:
    """Retire a need area, or bring a retired one back."""
    area = db.get_or_404(NeedArea, area_id)
    perform(lambda: set_need_area_retired(area=area, retired=not area.is_retired))
    message = _("%(name)s är avvecklat.") if area.is_retired else _("%(name)s används igen.")
    flash(message % {"name": area.name}, "success")
    return redirect(url_for("admin.need_areas"), 303)


@bp.get("/logg")
@permission_required(ADMINISTER)
def audit_log() -> ResponseReturnValue:
    """The audit log with filters (action, object type, actor, dates)."""
    page, flt = search_audit(request.args)
    actions, object_types = named_facets(*audit_facets())
    events = [readable(event) for event in page.items]
    return render(
        "admin/audit.html",
        block="results",
        page=page,
        events=events,
        flt=flt,
        actions=actions,
        object_types=object_types,
    )


@bp.get("/e-post")
@permission_required(ADMINISTER)
def outbox() -> ResponseReturnValue:
    """E-mails not yet delivered, with their errors, and the latest delivered."""
    return render(
        "admin/outbox.html",
        block="results",
        page=undelivered_emails(request.args),
        delivered=delivered_emails(),
        action_form=EmptyForm(),
    )


@bp.get("/e-post/<int:email_id>")
@permission_required(ADMINISTER)
def email_message(email_id: int) -> ResponseReturnValue:
    """One e-mail as its recipient gets it: headers, the text, and a link to the HTML version."""
    return render("admin/email.html", email=db.get_or_404(OutboxEmail, email_id), action_form=EmptyForm())


# The HTML of an e-mail is shown as a page of its own that can run nothing and load nothing (its styles are
# inline, as in every e-mail), so whatever a message holds stays inert.
EMAIL_PAGE_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@bp.get("/e-post/<int:email_id>/html")
@permission_required(ADMINISTER)
def email_html(email_id: int) -> ResponseReturnValue:
    """The HTML version of one e-mail, as a mail program shows it."""
    response = make_response(db.get_or_404(OutboxEmail, email_id).body_html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = EMAIL_PAGE_POLICY
    return response


@bp.post("/e-post/<int:email_id>/forsok-igen")
@permission_required(ADMINISTER)
def retry_email(email_id: int) -> ResponseReturnValue:
    """Send a failed, held or unsure e-mail again."""
    email = db.get_or_404(OutboxEmail, email_id)
    perform(lambda: retry_failed_email(email=email), back=url_for("admin.outbox"))
    flash(_("E-postmeddelandet till %(to)s skickas igen.", to=email.recipient), "success")
    return redirect(url_for("admin.outbox"), 303)


@bp.get("/drift")
@permission_required(ADMINISTER)
def operations() -> ResponseReturnValue:
    """Operations at a glance: readiness, the scheduled tasks' last runs, the outbox and the job queue."""
    return render("admin/operations.html", overview=operations_overview())
