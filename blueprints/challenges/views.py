"""Views: propose and edit challenges, review them, find them, import and export them."""

from collections.abc import Callable
from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from blueprints.accounts.queries import is_following
from blueprints.accounts.services import set_following
from blueprints.challenges.blueprint import bp
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
from blueprints.challenges.exports import FORMATS as EXPORT_FORMATS
from blueprints.challenges.exports import download_now, queue_export, too_long_for_a_request
from blueprints.challenges.forms import ChallengeForm, CommentForm, DecisionForm, ImportForm
from blueprints.challenges.imports import check_file, start_import, store_upload
from blueprints.challenges.models import Challenge, ChallengeImport
from blueprints.challenges.policies import (
    PROPOSE_CHALLENGES,
    REVIEW_CHALLENGES,
    SEE_REVIEW_QUEUE,
    may_edit,
    may_see_evidence,
    may_share_need,
    may_withdraw,
)
from blueprints.challenges.queries import (
    ChallengeFilter,
    get_visible_challenge,
    planned_years,
    return_note,
    review_queue,
    search_challenges,
)
from blueprints.challenges.services import (
    ChallengeData,
    add_comment,
    decide,
    missing_for_submission,
    save_challenge,
    share_need,
    withdraw_challenge,
)
from blueprints.core.access import login_required, permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.db import db
from blueprints.core.forms import EmptyForm
from blueprints.core.htmx import render, render_block
from blueprints.core.i18n import current_language
from blueprints.core.models import Job
from blueprints.organisations.queries import organisation_choices
from blueprints.organisations.regions import COUNTIES, KINDS
from blueprints.statistics.buyers import BuyerRow, top_buyers
from blueprints.statistics.power import branch_ranges
from blueprints.vocabulary.queries import cpv_divisions, need_area_choices, offered_need_area_choices, selected_cpv

# --- the challenge form --------------------------------------------------------------------------------


def _challenge_form(challenge: Challenge | None) -> ChallengeForm:
    form = ChallengeForm(obj=challenge) if challenge else ChallengeForm()
    keeping = challenge.need_area_id if challenge else None
    form.need_area_id.choices = [(0, _("Välj behovsområde")), *offered_need_area_choices(keeping=keeping)]
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
        share_contact=bool(form.share_contact.data),
    )


def _selected_cpv(form: ChallengeForm) -> list[tuple[str, str]]:
    return selected_cpv(form.cpv_codes.data or "", current_language())


def _cpv_left_out(form: ChallengeForm) -> str:
    words = form.cpv_codes.searched_words
    if words:
        return _(
            "Orden ”%(words)s” är inga CPV-koder och sparades inte: redigera utkastet och välj koder.",
            words=" ".join(words),
        )
    return _("Några CPV-koder var felskrivna och sparades inte: redigera utkastet och kontrollera koderna.")


def _form_page(form: ChallengeForm, challenge: Challenge | None) -> ResponseReturnValue:
    submit = request.form.get("action") == "submit"
    valid = form.validate_on_submit()
    left_out: list[str] = []
    if form.is_submitted() and not submit and form.cpv_codes.errors:
        # A draft never fails on CPV: it keeps the codes that are right, and says what it left out.
        left_out = [*form.cpv_codes.searched_words, *form.cpv_codes.errors]
        form.cpv_codes.errors = []
        valid = not form.errors
    if valid:
        data = _form_data(form)
        if g.user.is_staff and not data.organisation_id:
            form.organisation_id.errors = [*form.organisation_id.errors, _("Välj en organisation.")]
        missing = missing_for_submission(data) if submit else {}
        for name, message in missing.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        if not form.errors:
            saved = perform(
                lambda: save_challenge(challenge=challenge, data=data, author=g.user, submit=submit), form=form
            )
            if saved is not None:
                flash(_("Utmaningen är inskickad.") if submit else _("Utkastet är sparat."), "success")
                if left_out:
                    flash(_cpv_left_out(form), "warning")
                return redirect(url_for("challenges.detail", challenge_id=saved.id), 303)
    return render(
        "challenges/form.html",
        form=form,
        challenge=challenge,
        return_note=return_note(challenge) if challenge is not None else None,
        selected_cpv=_selected_cpv(form),
        status=form_status(form),
    )


@bp.route("/utmaningar/ny", methods=["GET", "POST"])
@permission_required(PROPOSE_CHALLENGES)
def create() -> ResponseReturnValue:
    """Propose a challenge: save as a draft or submit."""
    if not g.user.is_staff and g.user.organisation_id is None:
        abort(403)
    return _form_page(_challenge_form(None), None)


@bp.route("/utmaningar/<int:challenge_id>/redigera", methods=["GET", "POST"])
@permission_required(PROPOSE_CHALLENGES)
def edit(challenge_id: int) -> ResponseReturnValue:
    """Edit a draft or a challenge returned for completion (staff: any challenge)."""
    challenge = get_visible_challenge(challenge_id, g.user)
    if challenge is None:
        abort(404)
    if not may_edit(challenge, g.user):
        abort(403)
    return _form_page(_challenge_form(challenge), challenge)


@bp.post("/utmaningar/falt/<name>")
@permission_required(PROPOSE_CHALLENGES)
def validate_field(name: str) -> ResponseReturnValue:
    """Inline validation: the one field, re-rendered with its message, as the user leaves it."""
    form = _challenge_form(None)
    # Buyers have no organisation field (the registry of organisations is staff-only).
    if name == "csrf_token" or name not in form or (name == "organisation_id" and not g.user.is_staff):
        abort(404)
    form.validate()
    return render_block("challenges/form.html", "field_" + name, form=form, selected_cpv=_selected_cpv(form))


# --- reading ------------------------------------------------------------------------------------------


@bp.get("/utmaningar/")
@login_required
def index() -> ResponseReturnValue:
    """Find challenges: active search, filters, sort and pagination, all in the URL."""
    flt = ChallengeFilter.from_args(request.args)
    return render(
        "challenges/index.html",
        block="results",
        flt=flt,
        page=search_challenges(flt, g.user),
        statuses=STATUSES,
        sorts=SORTS,
        need_areas=need_area_choices(),
        divisions=cpv_divisions(current_language()),
        counties=COUNTIES,
        kinds=KINDS,
        years=[(y, y) for y in planned_years()],
    )


@bp.route("/utmaningar/export.<fmt>", methods=["GET", "POST"])
@login_required
def export(fmt: str) -> ResponseReturnValue:
    """The filtered list as CSV or XLSX. A long list is made by the worker: the page says so and its button
    (POST) queues the job, whose page offers the file when done."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    args = request.args.to_dict()
    form = EmptyForm()
    if form.validate_on_submit():
        job = perform(lambda: queue_export(args, g.user, fmt), form=form)
        if job is not None:
            return redirect(url_for("site.job", job_id=job.id), 303)
    count = too_long_for_a_request(args, g.user)
    if count is None:
        return download_now(args, g.user, fmt)
    return render("challenges/export.html", count=count, fmt=fmt, args=args, form=form, status=form_status(form))


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
        can_edit=may_edit(challenge, g.user),
        may_withdraw=may_withdraw(challenge, g.user),
        following=is_following(g.user, "challenge", challenge.id),
        may_share_need=may_share_need(challenge, g.user),
        others=_others_bought(challenge),
        county_names=COUNTIES,
        status=status,
        **context,
    )


def _others_bought(challenge: Challenge) -> list[BuyerRow] | None:
    """Who else bought in the challenge's CPV branches, for staff and the challenge's own organisation (None:
    not shown)."""
    if not challenge.cpv_codes or not may_see_evidence(challenge, g.user):
        return None
    ranges = tuple(branch_ranges([code.code for code in challenge.cpv_codes]))
    return top_buyers(ranges, excluding=[challenge.organisation_id])


@bp.get("/utmaningar/<int:challenge_id>")
@login_required
def detail(challenge_id: int) -> ResponseReturnValue:
    """One challenge with its CPV codes, history, comments and organisation."""
    challenge = get_visible_challenge(challenge_id, g.user)
    if challenge is None:
        abort(404)
    return _detail_page(challenge)


@bp.get("/utmaningar/granskning")
@permission_required(SEE_REVIEW_QUEUE)
def queue() -> ResponseReturnValue:
    """Submitted challenges waiting for review, a page at a time."""
    return render("challenges/queue.html", block="results", page=review_queue(request.args))


# --- review -------------------------------------------------------------------------------------------

DECISIONS = {"return": RETURNED, "review": REVIEWED, "archive": ARCHIVED}
DECISION_MESSAGES = {
    RETURNED: _l("Utmaningen är återlämnad för komplettering."),
    REVIEWED: _l("Utmaningen är granskad."),
    ARCHIVED: _l("Utmaningen är arkiverad."),
}


@bp.route("/utmaningar/<int:challenge_id>/beslut", methods=["GET", "POST"])
@permission_required(REVIEW_CHALLENGES)
def decide_view(challenge_id: int) -> ResponseReturnValue:
    """Return for completion, mark as reviewed, or archive; the buyer is e-mailed. (Reloading the address of a
    refused decision asks for it with GET: that leads back to the challenge's review box.)"""
    challenge = db.get_or_404(Challenge, challenge_id)
    if request.method == "GET":
        return redirect(url_for("challenges.detail", challenge_id=challenge.id) + "#granskning", 303)
    form = DecisionForm()
    to_status = DECISIONS.get(request.form.get("action", ""))
    if to_status is None:
        abort(400)
    if form.validate_on_submit() and perform(
        lambda: decide(challenge=challenge, actor=g.user, to_status=to_status, note=form.note.data or ""), form=form
    ):
        flash(str(DECISION_MESSAGES[to_status]), "success")
        return redirect(url_for("challenges.detail", challenge_id=challenge.id), 303)
    return _detail_page(db.get_or_404(Challenge, challenge_id), 422, decision_form=form)


def _challenge_to_act_on(challenge_id: int, may: Callable[[Challenge, Any], bool]) -> Challenge:
    """The challenge a person acts on: one they see (else 404), and may act on so (else 403)."""
    challenge = get_visible_challenge(challenge_id, g.user)
    if challenge is None:
        abort(404)
    if not may(challenge, g.user):
        abort(403)
    return challenge


@bp.post("/utmaningar/<int:challenge_id>/dra-tillbaka")
@permission_required(PROPOSE_CHALLENGES)
def withdraw(challenge_id: int) -> ResponseReturnValue:
    """The buyer takes back a submitted challenge (a draft again, to edit or submit later)."""
    challenge = _challenge_to_act_on(challenge_id, may_withdraw)
    perform(lambda: withdraw_challenge(challenge=challenge, actor=g.user))
    flash(_("Utmaningen är tillbakadragen och är ett utkast igen."), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id), 303)


@bp.post("/utmaningar/<int:challenge_id>/samma-behov")
@permission_required(PROPOSE_CHALLENGES)
def same_need(challenge_id: int) -> ResponseReturnValue:
    """A buyer has the same need: a draft of their own starts from this challenge, and its owners are told."""
    challenge = _challenge_to_act_on(challenge_id, may_share_need)
    draft = perform(lambda: share_need(challenge=challenge, buyer=g.user))
    assert draft is not None
    flash(
        _(
            "Ett utkast för er organisation har börjat från utmaningen, och %(organisation)s vet att ni har samma "
            "behov. Anpassa utkastet och skicka in det.",
            organisation=challenge.organisation.name,
        ),
        "success",
    )
    return redirect(url_for("challenges.edit", challenge_id=draft.id), 303)


@bp.post("/utmaningar/<int:challenge_id>/folj")
@login_required
def follow(challenge_id: int) -> ResponseReturnValue:
    """Follow a challenge one sees (or stop): its changes on the start page and by e-mail."""
    challenge = _challenge_to_act_on(challenge_id, lambda _challenge, _person: True)
    on = request.form.get("follow") == "1"
    perform(lambda: set_following(user=g.user, object_type="challenge", object_id=challenge.id, follow=on))
    flash(_("Du följer utmaningen.") if on else _("Du följer inte längre utmaningen."), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id), 303)


@bp.post("/utmaningar/<int:challenge_id>/kommentarer")
@permission_required(REVIEW_CHALLENGES)
def comment(challenge_id: int) -> ResponseReturnValue:
    """Add a comment (visible to the buyer, or internal)."""
    challenge = db.get_or_404(Challenge, challenge_id)
    form = CommentForm()
    if form.validate_on_submit() and perform(
        lambda: add_comment(
            challenge=challenge, author=g.user, body=form.body.data or "", internal=bool(form.internal.data)
        ),
        form=form,
    ):
        flash(_("Kommentaren är sparad."), "success")
        return redirect(url_for("challenges.detail", challenge_id=challenge.id) + "#kommentarer", 303)
    return _detail_page(db.get_or_404(Challenge, challenge_id), form_status(form), comment_form=form)


# --- import ---------------------------------------------------------------------------------------------


@bp.route("/utmaningar/import", methods=["GET", "POST"])
@permission_required(REVIEW_CHALLENGES)
def import_upload() -> ResponseReturnValue:
    """Upload a CSV or XLSX file; the preview shows every row's problems before anything is stored."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        checked = perform(
            lambda: store_upload(filename=upload.filename or "", content=upload.read(), actor=g.user),
            form=form,
        )
        if checked is not None:
            preview, stored = checked
            return render(
                "challenges/import_preview.html",
                preview=preview,
                stored=stored,
                form=ImportForm(formdata=None),
                status=200 if preview.ok else 422,
            )
    return render("challenges/import.html", form=form, status=form_status(form))


@bp.post("/utmaningar/import/<int:import_id>")
@permission_required(REVIEW_CHALLENGES)
def import_confirm(import_id: int) -> ResponseReturnValue:
    """Store every row of a checked file, or none."""
    stored = db.get_or_404(ChallengeImport, import_id)
    if stored.created_by_id != g.user.id or stored.imported_at is not None:
        abort(404)
    form = ImportForm(formdata=None)
    started = perform(lambda: start_import(stored=stored, actor=g.user), form=form)
    if started is None:
        preview = check_file(stored.filename, stored.content)
        return render("challenges/import_preview.html", preview=preview, stored=stored, form=form, status=422)
    if isinstance(started, Job):  # a large file: the worker imports it, the job's page follows it
        return redirect(url_for("site.job", job_id=started.id), 303)
    count, skipped = started
    flash(_("%(count)s utmaningar är importerade; %(skipped)s fanns redan.", count=count, skipped=skipped), "success")
    return redirect(url_for("challenges.index", sort="newest"), 303)
