"""Requests: the list (a buyer's organisation's, or staff's triage queue), a new request, one request's page
and its documents."""

import logging
from dataclasses import dataclass

from flask import abort, g, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from blueprints.accounts.models import User
from blueprints.core.access import login_required, permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.errors import abort_with
from blueprints.core.htmx import render
from blueprints.core.i18n import current_language
from blueprints.organisations.regions import COUNTIES
from blueprints.support.blueprint import bp
from blueprints.support.constants import (
    AGE_FILTERS,
    BOOKING_STATUSES,
    FORMATS,
    PROJECT_PHASES,
    REQUEST_STATUSES,
    SUPPORT_KINDS,
)
from blueprints.support.forms import (
    AttachmentForm,
    CloseForm,
    DeclineForm,
    GrantForm,
    NoteForm,
    ReassignForm,
    SupportRequestForm,
)
from blueprints.support.models import SupportRequest
from blueprints.support.policies import REQUEST_SUPPORT, TRIAGE_REQUESTS, may_attach, may_book, may_withdraw
from blueprints.support.queries import (
    RequestFilter,
    facilitators,
    get_visible_attachment,
    is_overdue,
    response_due,
    search_requests,
)
from blueprints.support.services import (
    RequestData,
    add_attachments,
    submit_support_request,
    withdraw_request,
)
from blueprints.support.storage import document_file
from blueprints.support.views.common import done, request_for_page, visible_request
from blueprints.vocabulary.queries import need_area_choices, selected_cpv

log = logging.getLogger(__name__)


@bp.get("/stod/")
@login_required
def index() -> ResponseReturnValue:
    """Support requests: a buyer's organisation's, or every request as staff's triage queue with filters."""
    flt = RequestFilter.from_args(request.args)
    return render(
        "support/index.html",
        block="results",
        flt=flt,
        page=search_requests(flt, g.user),
        statuses=REQUEST_STATUSES,
        phases=PROJECT_PHASES,
        kinds=SUPPORT_KINDS,
        counties=COUNTIES,
        ages={key: label for key, (label, _days) in AGE_FILTERS.items()},
        facilitator_choices=[(f.id, f.name) for f in facilitators()] if g.user.is_staff else [],
        is_overdue=is_overdue,
    )


# --- a new request -----------------------------------------------------------------------------------------


def _request_form() -> SupportRequestForm:
    form = SupportRequestForm()
    form.need_area_id.choices = [(0, _("Välj behovsområde")), *need_area_choices()]
    return form


def _request_data(form: SupportRequestForm) -> RequestData:
    return RequestData(
        title=(form.title.data or "").strip(),
        description=(form.description.data or "").strip(),
        need_area_id=form.need_area_id.data or None,
        cpv_codes=form.cpv_codes.parsed,
        estimated_value_sek=form.estimated_value.parsed,
        phase=form.phase.data,
        support_kinds=form.support_kinds.data or [],
        preferred_from=form.preferred_from.data,
        preferred_to=form.preferred_to.data,
        format=form.format.data,
        place=(form.place.data or "").strip(),
    )


@bp.route("/stod/ny", methods=["GET", "POST"])
@permission_required(REQUEST_SUPPORT)
def create() -> ResponseReturnValue:
    """Ask for facilitator support; the request gets a diarienummer and the buyer a confirmation."""
    form = _request_form()
    if form.validate_on_submit():
        created = perform(
            lambda: submit_support_request(data=_request_data(form), uploads=form.attachments.uploads, user=g.user),
            form=form,
        )
        if created is not None:
            return done(
                _("Tack! Förfrågan är registrerad med diarienummer %(diary)s.", diary=created.diary_number),
                "support.detail",
                request_id=created.id,
            )
    return render(
        "support/form.html",
        form=form,
        selected_cpv=selected_cpv(form.cpv_codes.data or "", current_language()),
        status=413 if form.attachments.too_large else form_status(form),
    )


# --- one request -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetailForms:
    """The forms a request's page may show (blank unless one came back with errors)."""

    decline: DeclineForm
    reassign: ReassignForm
    note: NoteForm
    close: CloseForm
    attachments: AttachmentForm


def offer_facilitators(form: GrantForm | ReassignForm, people: list[User]) -> None:
    """Let the form choose among these facilitators."""
    form.facilitator_id.choices = [(0, _("Välj facilitator")), *((f.id, f.name) for f in people)]


def _detail_forms(*, triage: bool, **given: FlaskForm) -> DetailForms:
    """The page's forms; only those who decide get the list of facilitators."""
    reassign = given.get("reassign") or ReassignForm(formdata=None)
    if triage:
        offer_facilitators(reassign, facilitators())  # type: ignore[arg-type]
    return DetailForms(
        decline=given.get("decline") or DeclineForm(formdata=None),  # type: ignore[arg-type]
        reassign=reassign,  # type: ignore[arg-type]
        note=given.get("note") or NoteForm(formdata=None),  # type: ignore[arg-type]
        close=given.get("close") or CloseForm(formdata=None),  # type: ignore[arg-type]
        attachments=given.get("attachments") or AttachmentForm(formdata=None),  # type: ignore[arg-type]
    )


def detail_page(support_request: SupportRequest, status: int = 200, **given: FlaskForm) -> ResponseReturnValue:
    """The request's page; ``given`` are forms that came back with errors (shown in place of blank ones)."""
    user = g.user
    triage = TRIAGE_REQUESTS(user)
    return render(
        "support/detail.html",
        req=support_request,
        # A rule broken by an action whose form the page no longer shows (say, granting a declined request).
        action_errors=[message for form in given.values() for message in form.form_errors],
        forms=_detail_forms(triage=triage, **given),
        triage=triage,
        staff=user.is_staff,
        may_attach=may_attach(support_request, user),
        may_book=may_book(support_request, user),
        may_withdraw=may_withdraw(support_request, user),
        overdue=is_overdue(support_request),
        response_due=response_due(support_request),
        statuses=REQUEST_STATUSES,
        phases=PROJECT_PHASES,
        kinds=SUPPORT_KINDS,
        formats=FORMATS,
        booking_statuses=BOOKING_STATUSES,
        status=status,
    )


@bp.get("/stod/<int:request_id>")
@login_required
def detail(request_id: int) -> ResponseReturnValue:
    """A request: the project, documents, decision, sessions and history (and internal notes for staff)."""
    return detail_page(request_for_page(request_id))


@bp.post("/stod/<int:request_id>/bilagor")
@login_required
def attach(request_id: int) -> ResponseReturnValue:
    """Add documents to a request (its organisation's buyers and the agency)."""
    support_request = visible_request(request_id)
    if not may_attach(support_request, g.user):
        abort(403)
    form = AttachmentForm()
    if form.validate_on_submit() and perform(
        lambda: add_attachments(request=support_request, uploads=form.attachments.uploads, user=g.user), form=form
    ):
        return done(_("Bilagorna är sparade."), "support.detail", "#bilagor", request_id=request_id)
    return detail_page(request_for_page(request_id), 413 if form.attachments.too_large else 422, attachments=form)


@bp.get("/stod/<int:request_id>/bilagor/<int:attachment_id>")
@login_required
def attachment(request_id: int, attachment_id: int) -> ResponseReturnValue:
    """Download a document, only for those who may see the request."""
    found = get_visible_attachment(request_id, attachment_id, g.user)
    if found is None:
        abort(404)
    path = document_file(found.storage_key)
    if path is None:
        log.error("the file of document %s (%s) is missing", found.id, found.storage_key)
        abort_with(404, _("Filen till dokumentet saknas. Kontakta myndigheten om du behöver den."))
    return send_file(
        path,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )


@bp.post("/stod/<int:request_id>/dra-tillbaka")
@permission_required(REQUEST_SUPPORT)
def withdraw(request_id: int) -> ResponseReturnValue:
    """The buyer takes back a request that has not been decided on."""
    support_request = visible_request(request_id)
    if not may_withdraw(support_request, g.user):
        abort(403)
    perform(lambda: withdraw_request(request=support_request, actor=g.user))
    return done(_("Förfrågan är tillbakadragen."), "support.detail", request_id=request_id)
