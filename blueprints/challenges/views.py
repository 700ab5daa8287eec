"""Views: propose and edit challenges, review them, find them, import and export them; the CPV picker."""

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from blueprints.accounts.access import login_required, role_required
from blueprints.accounts.roles import ADMIN, BUYER, FACILITATOR, STAFF
from blueprints.admin.models import NeedArea
from blueprints.challenges import bp
from blueprints.challenges.constants import (
    ARCHIVED,
    INNOVATION_LEVELS,
    NETWORK_INTEREST,
    QUARTERS,
    RETURNED,
    REVIEWED,
    SORTS,
    STATUSES,
    VISIBILITY,
)
from blueprints.challenges.exports import export_csv, export_xlsx
from blueprints.challenges.forms import ChallengeForm, CommentForm, DecisionForm, ImportForm
from blueprints.challenges.imports import check_file, import_preview
from blueprints.challenges.models import Challenge, ChallengeImport
from blueprints.challenges.queries import (
    ChallengeFilter,
    cpv_divisions,
    get_visible_challenge,
    planned_years,
    review_queue,
    search_challenges,
    search_cpv,
    selected_cpv,
)
from blueprints.challenges.services import (
    ChallengeData,
    add_comment,
    can_edit,
    decide,
    missing_for_submission,
    save_challenge,
)
from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.forms import commit_or_show_error, form_status
from blueprints.core.htmx import render, render_block
from blueprints.networks.queries import similar_to_draft
from blueprints.organisations.queries import organisation_choices
from blueprints.organisations.regions import COUNTIES, KINDS

EDITORS = (BUYER, FACILITATOR, ADMIN)
REVIEWERS = (FACILITATOR, ADMIN)


def _language() -> str:
    return str(get_locale() or "sv")


# --- the challenge form --------------------------------------------------------------------------------


def _challenge_form(challenge: Challenge | None) -> ChallengeForm:
    form = ChallengeForm(obj=challenge) if challenge else ChallengeForm()
    areas = db.session.scalars(
        sa.select(NeedArea)
        .where(sa.or_(~NeedArea.is_retired, NeedArea.id == (challenge.need_area_id if challenge else None)))
        .order_by(NeedArea.sort_key)
    )
    form.need_area_id.choices = [(0, _("Välj behovsområde"))] + [(a.id, a.name) for a in areas]
    form.organisation_id.choices = organisation_choices()
    if request.method == "GET":
        if challenge:
            form.annual_volume.data = (
                f"{challenge.annual_volume_sek:,}".replace(",", " ")
                if (challenge.annual_volume_sek is not None)
                else ""
            )
            form.need_area_id.data = challenge.need_area_id or 0
            form.planned_year.data = challenge.planned_year or 0
            form.planned_quarter.data = challenge.planned_quarter or 0
        else:
            form.organisation_id.data = g.user.organisation_id or 0
            form.contact_name.data = g.user.name
            form.contact_email.data = g.user.email
    return form


def _form_data(form: ChallengeForm) -> ChallengeData:
    organisation_id = form.organisation_id.data if g.user.is_staff else g.user.organisation_id
    return ChallengeData(
        title=(form.title.data or "").strip(),
        description=(form.description.data or "").strip(),
        need_area_id=form.need_area_id.data or None,
        cpv_codes=form.cpv_codes.parsed,
        organisation_id=organisation_id or 0,
        contact_name=(form.contact_name.data or "").strip(),
        contact_email=(form.contact_email.data or "").strip(),
        annual_volume_sek=getattr(form.annual_volume, "parsed", None),
        planned_year=form.planned_year.data or None,
        planned_quarter=form.planned_quarter.data or None,
        innovation_level=form.innovation_level.data or None,
        network_interest=form.network_interest.data or None,
        visibility=form.visibility.data or "all",
    )


def _selected_cpv(form: ChallengeForm) -> list[tuple[str, str]]:
    return selected_cpv(form.cpv_codes.data or "", _language())


def _form_page(form: ChallengeForm, challenge: Challenge | None) -> ResponseReturnValue:
    submit = request.form.get("action") == "submit"
    if form.validate_on_submit():
        data = _form_data(form)
        if g.user.is_staff and not data.organisation_id:
            form.organisation_id.errors = [*form.organisation_id.errors, _("Välj en organisation.")]
        missing = missing_for_submission(data) if submit else {}
        for name, message in missing.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        if not form.errors:
            saved = commit_or_show_error(
                form, lambda: save_challenge(challenge=challenge, data=data, author=g.user, submit=submit)
            )
            if saved is not None:
                flash(_("Utmaningen är inskickad.") if submit else _("Utkastet är sparat."), "success")
                return redirect(url_for("challenges.detail", challenge_id=saved.id), 303)
    status = 422 if form.is_submitted() and form.errors else 200
    return render(
        "challenges/form.html",
        form=form,
        challenge=challenge,
        selected_cpv=_selected_cpv(form),
        matches=similar_to_draft(form, challenge, g.user, _language()),
        status=status,
    )


@bp.route("/utmaningar/ny", methods=["GET", "POST"])
@role_required(*EDITORS)
def create() -> ResponseReturnValue:
    """Propose a challenge: save as a draft or submit."""
    if not g.user.is_staff and g.user.organisation_id is None:
        abort(403)
    return _form_page(_challenge_form(None), None)


@bp.route("/utmaningar/<int:challenge_id>/redigera", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit(challenge_id: int) -> ResponseReturnValue:
    """Edit a draft or a challenge returned for completion (staff: any challenge)."""
    challenge = get_visible_challenge(challenge_id, g.user)
    if challenge is None:
        abort(404)
    if not can_edit(challenge, g.user):
        abort(403)
    return _form_page(_challenge_form(challenge), challenge)


@bp.post("/utmaningar/falt/<name>")
@role_required(*EDITORS)
def validate_field(name: str) -> ResponseReturnValue:
    """Inline validation: the one field, re-rendered with its message, as the user leaves it."""
    form = _challenge_form(None)
    if name == "csrf_token" or name not in form:
        abort(404)
    form.validate()
    return render_block("challenges/form.html", "field_" + name, form=form, selected_cpv=_selected_cpv(form))


# --- reading ------------------------------------------------------------------------------------------


@bp.get("/utmaningar/")
@login_required
def index() -> ResponseReturnValue:
    """Find challenges: active search, filters, sort and pagination, all in the URL."""
    flt = ChallengeFilter.from_args(request.args)
    page = search_challenges(flt, g.user)
    areas = db.session.scalars(sa.select(NeedArea).order_by(NeedArea.sort_key)).all()
    return render(
        "challenges/index.html",
        block="results",
        flt=flt,
        page=page,
        statuses=STATUSES,
        sorts=SORTS,
        need_areas=[(a.id, a.name) for a in areas],
        divisions=cpv_divisions(_language()),
        counties=COUNTIES,
        kinds=KINDS,
        years=[(y, y) for y in planned_years()],
    )


@bp.get("/utmaningar/export.<fmt>")
@login_required
def export(fmt: str) -> Response:
    """The filtered list as CSV or XLSX."""
    flt = ChallengeFilter.from_args(request.args)
    if fmt == "csv":
        return export_csv(flt, g.user)
    if fmt == "xlsx":
        return export_xlsx(flt, g.user)
    abort(404)


def _detail_page(challenge: Challenge, status: int = 200, **forms: FlaskForm) -> ResponseReturnValue:
    comments = [c for c in challenge.comments if g.user.is_staff or not c.internal]
    context: dict[str, FlaskForm] = {
        "decision_form": DecisionForm(formdata=None),
        "comment_form": CommentForm(formdata=None),
        **forms,
    }
    return render(
        "challenges/detail.html",
        challenge=challenge,
        comments=comments,
        statuses=STATUSES,
        innovation_levels=INNOVATION_LEVELS,
        network_interest=NETWORK_INTEREST,
        visibility=VISIBILITY,
        quarters=QUARTERS,
        can_edit=can_edit(challenge, g.user),
        can_review=g.user.has_role(*REVIEWERS),
        status=status,
        **context,
    )


@bp.get("/utmaningar/<int:challenge_id>")
@login_required
def detail(challenge_id: int) -> ResponseReturnValue:
    """One challenge with its CPV codes, history, comments and organisation."""
    challenge = get_visible_challenge(challenge_id, g.user)
    if challenge is None:
        abort(404)
    return _detail_page(challenge)


@bp.get("/utmaningar/granskning")
@role_required(*STAFF)
def queue() -> ResponseReturnValue:
    """Submitted challenges waiting for review."""
    return render("challenges/queue.html", challenges=review_queue())


# --- review -------------------------------------------------------------------------------------------

DECISIONS = {"return": RETURNED, "review": REVIEWED, "archive": ARCHIVED}
DECISION_MESSAGES = {
    RETURNED: _("Utmaningen är återlämnad för komplettering."),
    REVIEWED: _("Utmaningen är granskad."),
    ARCHIVED: _("Utmaningen är arkiverad."),
}


@bp.post("/utmaningar/<int:challenge_id>/beslut")
@role_required(*REVIEWERS)
def decide_view(challenge_id: int) -> ResponseReturnValue:
    """Return for completion, mark as reviewed, or archive; the buyer is e-mailed."""
    challenge = db.get_or_404(Challenge, challenge_id)
    form = DecisionForm()
    to_status = DECISIONS.get(request.form.get("action", ""))
    if to_status is None:
        abort(400)
    if form.validate_on_submit():
        done = commit_or_show_error(
            form, lambda: decide(challenge=challenge, actor=g.user, to_status=to_status, note=form.note.data or "")
        )
        if done is not None:
            flash(str(DECISION_MESSAGES[to_status]), "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge.id), 303)
    return _detail_page(db.get_or_404(Challenge, challenge_id), 422, decision_form=form)


@bp.post("/utmaningar/<int:challenge_id>/kommentarer")
@role_required(*REVIEWERS)
def comment(challenge_id: int) -> ResponseReturnValue:
    """Add a comment (visible to the buyer, or internal)."""
    challenge = db.get_or_404(Challenge, challenge_id)
    form = CommentForm()
    if form.validate_on_submit() and commit_or_show_error(
        form,
        lambda: add_comment(
            challenge=challenge, author=g.user, body=form.body.data or "", internal=bool(form.internal.data)
        ),
    ):
        flash(_("Kommentaren är sparad."), "success")
        return redirect(url_for("challenges.detail", challenge_id=challenge.id) + "#kommentarer", 303)
    return _detail_page(db.get_or_404(Challenge, challenge_id), form_status(form), comment_form=form)


# --- import ---------------------------------------------------------------------------------------------


@bp.route("/utmaningar/import", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def import_upload() -> ResponseReturnValue:
    """Upload a CSV or XLSX file; the preview shows every row's problems before anything is stored."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        try:
            preview = check_file(upload.filename or "", content)
        except DomainError as error:
            form.file.errors = [error.message]
        else:
            stored = ChallengeImport(created_by_id=g.user.id, filename=upload.filename or "", content=content)
            db.session.add(stored)
            db.session.commit()
            return render(
                "challenges/import_preview.html",
                preview=preview,
                stored=stored,
                form=ImportForm(formdata=None),
                status=200 if preview.ok else 422,
            )
    return render("challenges/import.html", form=form, status=form_status(form))


@bp.post("/utmaningar/import/<int:import_id>")
@role_required(*REVIEWERS)
def import_confirm(import_id: int) -> ResponseReturnValue:
    """Store every row of a checked file, or none."""
    stored = db.get_or_404(ChallengeImport, import_id)
    if stored.created_by_id != g.user.id or stored.imported_at is not None:
        abort(404)
    preview = check_file(stored.filename, stored.content)
    form = ImportForm(formdata=None)
    try:
        count = import_preview(preview, actor=g.user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return render("challenges/import_preview.html", preview=preview, stored=stored, form=form, status=422)
    stored.imported_at = utcnow()
    stored.content = b""
    db.session.commit()
    flash(
        _("%(count)s utmaningar är importerade; %(skipped)s fanns redan.", count=count, skipped=preview.skipped),
        "success",
    )
    return redirect(url_for("challenges.index", sort="newest"), 303)


# --- the CPV picker -------------------------------------------------------------------------------------


@bp.get("/cpv/sok")
@login_required
def cpv_search() -> ResponseReturnValue:
    """Suggestions for the CPV picker: codes matching Swedish (or English) words or digits."""
    query = request.args.get("q", "").strip()[:100]
    results = search_cpv(query, _language()) if len(query) >= 2 else []
    return render("challenges/cpv_options.html", results=results, query=query, language=_language())
