"""Triage: staff take up a request, grant it with a facilitator or decline it, hand it over, keep notes and
close it."""

from flask import g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints.core.access import permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.htmx import render
from blueprints.support.blueprint import bp
from blueprints.support.forms import CloseForm, DeclineForm, GrantForm, NoteForm, ReassignForm
from blueprints.support.policies import TRIAGE_REQUESTS
from blueprints.support.queries import facilitators, suggest_facilitators, suggestion_reasons
from blueprints.support.services import (
    add_note,
    close_request,
    decline_request,
    grant_request,
    reassign_facilitator,
    start_assessment,
)
from blueprints.support.views.common import done, request_for_page, visible_request
from blueprints.support.views.requests import detail_page, offer_facilitators


@bp.post("/stod/<int:request_id>/bedomning")
@permission_required(TRIAGE_REQUESTS)
def assess(request_id: int) -> ResponseReturnValue:
    """Take up a received request for assessment."""
    support_request = visible_request(request_id)
    perform(
        lambda: start_assessment(request=support_request, actor=g.user),
        back=url_for("support.detail", request_id=request_id),
    )
    return done(_("Förfrågan är under bedömning."), "support.detail", request_id=request_id)


@bp.route("/stod/<int:request_id>/bevilja", methods=["GET", "POST"])
@permission_required(TRIAGE_REQUESTS)
def grant(request_id: int) -> ResponseReturnValue:
    """Grant support with an assigned facilitator; the best suggested facilitators (expertise, free time, load)
    are listed and the first is preselected."""
    support_request = visible_request(request_id)
    if request.method == "GET" and not support_request.awaits_decision:
        return redirect(url_for("support.detail", request_id=request_id))  # decided already: nothing to suggest
    people = facilitators()
    suggestions = suggest_facilitators(support_request, people)[:3]
    form = GrantForm()
    if suggestions:
        form.facilitator_id.description = _(
            "Förvald: %(name)s, det främsta förslaget. Välj någon annan om det passar bättre.",
            name=suggestions[0].user.name,
        )
        if not form.is_submitted():
            form.facilitator_id.data = suggestions[0].user.id  # preselected on the page; a post must say whom
    offer_facilitators(form, people)
    if form.validate_on_submit() and perform(
        lambda: grant_request(
            request=support_request,
            facilitator_id=form.facilitator_id.data,
            comment=(form.comment.data or "").strip(),
            actor=g.user,
        ),
        form=form,
    ):
        return done(_("Förfrågan är beviljad."), "support.detail", request_id=request_id)
    return render(
        "support/grant.html",
        block="grant",
        req=support_request,
        form=form,
        suggestions=[(s, suggestion_reasons(s)) for s in suggestions],
        status=form_status(form),
    )


@bp.post("/stod/<int:request_id>/avsla")
@permission_required(TRIAGE_REQUESTS)
def decline(request_id: int) -> ResponseReturnValue:
    """Decline with a reason (e-mailed to the buyer)."""
    support_request = visible_request(request_id)
    form = DeclineForm()
    if form.validate_on_submit() and perform(
        lambda: decline_request(request=support_request, reason=(form.reason.data or "").strip(), actor=g.user),
        form=form,
    ):
        return done(_("Förfrågan är avslagen och beställaren underrättad."), "support.detail", request_id=request_id)
    return detail_page(request_for_page(request_id), 422, decline=form)


@bp.post("/stod/<int:request_id>/facilitator")
@permission_required(TRIAGE_REQUESTS)
def reassign(request_id: int) -> ResponseReturnValue:
    """Hand a granted request to another facilitator."""
    support_request = visible_request(request_id)
    form = ReassignForm()
    offer_facilitators(form, facilitators())
    if form.validate_on_submit() and perform(
        lambda: reassign_facilitator(request=support_request, facilitator_id=form.facilitator_id.data, actor=g.user),
        form=form,
    ):
        return done(_("Förfrågan har fått en ny facilitator."), "support.detail", request_id=request_id)
    return detail_page(request_for_page(request_id), 422, reassign=form)


@bp.post("/stod/<int:request_id>/anteckningar")
@permission_required(TRIAGE_REQUESTS)
def note(request_id: int) -> ResponseReturnValue:
    """Add an internal note (never shown to buyers)."""
    support_request = visible_request(request_id)
    form = NoteForm()
    if form.validate_on_submit() and perform(
        lambda: add_note(request=support_request, body=form.body.data or "", actor=g.user), form=form
    ):
        return done(_("Anteckningen är sparad."), "support.detail", "#anteckningar", request_id=request_id)
    return detail_page(request_for_page(request_id), 422, note=form)


@bp.post("/stod/<int:request_id>/avsluta")
@permission_required(TRIAGE_REQUESTS)
def close(request_id: int) -> ResponseReturnValue:
    """Close the request with a summary."""
    support_request = visible_request(request_id)
    form = CloseForm()
    if form.validate_on_submit() and perform(
        lambda: close_request(request=support_request, summary=form.summary.data or "", actor=g.user), form=form
    ):
        return done(_("Förfrågan är avslutad."), "support.detail", request_id=request_id)
    return detail_page(request_for_page(request_id), 422, close=form)
