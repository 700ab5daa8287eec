"""Availability: a facilitator's working windows, absence and extra time, booking rules, and the private
calendar feed."""

from flask import Response, abort, flash, g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from blueprints.core.access import permission_required, public
from blueprints.core.actions import perform
from blueprints.core.formatting import swedish_time_to_utc
from blueprints.core.htmx import render
from blueprints.core.urls import public_url
from blueprints.support.blueprint import bp
from blueprints.support.calendar import feed
from blueprints.support.constants import EXCEPTION_KINDS, SUPPORT_KINDS, WEEKDAYS
from blueprints.support.forms import ExceptionForm, RulesForm, WindowForm
from blueprints.support.models import rules_of
from blueprints.support.policies import KEEP_AVAILABILITY
from blueprints.support.queries import (
    bookings_in_feed,
    coming_exceptions_of,
    facilitator_profile,
    profile_for_calendar_token,
    session_length,
    windows_of,
)
from blueprints.support.services import (
    RulesData,
    add_exception,
    add_window,
    new_calendar_token,
    remove_exception,
    remove_window,
    revoke_calendar_token,
    save_rules,
)
from blueprints.support.views.common import done
from blueprints.vocabulary.queries import need_area_choices


def _rules_form(*, blank: bool = False) -> RulesForm:
    """The rules form: filled from the saved rules (the defaults until some are saved), or from the request."""
    profile = facilitator_profile(g.user.id)
    rules = rules_of(profile)
    saved = {
        "buffer_minutes": int(rules.buffer.total_seconds() // 60),
        "notice_working_days": rules.notice_working_days,
        "horizon_days": rules.horizon_days,
        "start_every_minutes": int(rules.step.total_seconds() // 60),
        "need_area_ids": [a.id for a in profile.need_areas] if profile else [],
        **{f"minutes_{kind}": int(session_length(profile, kind).total_seconds() // 60) for kind in SUPPORT_KINDS},
    }
    form = RulesForm(formdata=None, data=saved) if blank else RulesForm(data=saved)
    form.need_area_ids.choices = need_area_choices()
    return form


def _availability_page(status: int = 200, **given: FlaskForm) -> ResponseReturnValue:
    user = g.user
    profile = facilitator_profile(user.id)
    return render(
        "support/availability.html",
        rules_form=given.get("rules_form") or _rules_form(blank=True),
        window_form=given.get("window_form") or WindowForm(formdata=None),
        exception_form=given.get("exception_form") or ExceptionForm(formdata=None),
        windows=windows_of(user.id),
        exceptions=coming_exceptions_of(user.id),
        has_feed=bool(profile and profile.calendar_token_hash),
        feed_url=given.get("feed_url"),
        weekdays=WEEKDAYS,
        exception_kinds=EXCEPTION_KINDS,
        kinds=SUPPORT_KINDS,
        status=status,
    )


@bp.get("/stod/tillganglighet")
@permission_required(KEEP_AVAILABILITY)
def availability() -> ResponseReturnValue:
    """A facilitator's working windows, absence and extra time, booking rules and calendar feed."""
    return _availability_page()


@bp.post("/stod/tillganglighet/regler")
@permission_required(KEEP_AVAILABILITY)
def rules() -> ResponseReturnValue:
    """Save buffer, notice, horizon, session lengths and need areas."""
    form = _rules_form()
    if form.validate_on_submit():
        data = RulesData(
            buffer_minutes=form.buffer_minutes.data or 0,
            notice_working_days=form.notice_working_days.data or 0,
            horizon_days=form.horizon_days.data or 1,
            session_minutes={kind: getattr(form, f"minutes_{kind}").data for kind in SUPPORT_KINDS},
            start_every_minutes=form.start_every_minutes.data or 30,
            need_area_ids=form.need_area_ids.data or [],
        )
        if perform(lambda: save_rules(facilitator=g.user, data=data), form=form):
            return done(_("Inställningarna är sparade."), "support.availability")
    return _availability_page(422, rules_form=form)


@bp.post("/stod/tillganglighet/arbetstider")
@permission_required(KEEP_AVAILABILITY)
def add_window_view() -> ResponseReturnValue:
    """Add a weekly working window."""
    form = WindowForm()
    if form.validate_on_submit() and perform(
        lambda: add_window(
            facilitator=g.user, weekday=form.weekday.data, start=form.start_time.data, end=form.end_time.data
        ),
        form=form,
    ):
        return done(_("Arbetstiden är tillagd."), "support.availability", "#arbetstider")
    return _availability_page(422, window_form=form)


@bp.post("/stod/tillganglighet/arbetstider/<int:window_id>/ta-bort")
@permission_required(KEEP_AVAILABILITY)
def delete_window(window_id: int) -> ResponseReturnValue:
    """Remove a working window (booked sessions stay)."""
    perform(lambda: remove_window(facilitator=g.user, window_id=window_id))
    return done(_("Arbetstiden är borttagen."), "support.availability", "#arbetstider")


@bp.post("/stod/tillganglighet/undantag")
@permission_required(KEEP_AVAILABILITY)
def add_exception_view() -> ResponseReturnValue:
    """Add absence or extra time."""
    form = ExceptionForm()
    if form.validate_on_submit() and perform(
        lambda: add_exception(
            facilitator=g.user,
            kind=form.kind.data,
            starts_at=swedish_time_to_utc(form.start_day.data, form.start_time.data),
            ends_at=swedish_time_to_utc(form.end_day.data, form.end_time.data),
            note=(form.note.data or "").strip(),
        ),
        form=form,
    ):
        return done(_("Undantaget är sparat."), "support.availability", "#undantag")
    return _availability_page(422, exception_form=form)


@bp.post("/stod/tillganglighet/undantag/<int:exception_id>/ta-bort")
@permission_required(KEEP_AVAILABILITY)
def delete_exception(exception_id: int) -> ResponseReturnValue:
    """Remove an exception."""
    perform(lambda: remove_exception(facilitator=g.user, exception_id=exception_id))
    return done(_("Undantaget är borttaget."), "support.availability", "#undantag")


@bp.post("/stod/tillganglighet/kalender")
@permission_required(KEEP_AVAILABILITY)
def calendar_link() -> ResponseReturnValue:
    """Make a new private calendar feed link (shown once), or turn the feed off."""
    if request.form.get("action") == "revoke":
        perform(lambda: revoke_calendar_token(facilitator=g.user))
        return done(_("Kalenderlänken är avstängd."), "support.availability", "#kalender")
    token = perform(lambda: new_calendar_token(facilitator=g.user))
    flash(_("En ny kalenderlänk är skapad. Den gamla fungerar inte längre."), "success")
    return _availability_page(feed_url=public_url("support.calendar_feed", token=token))


@bp.get("/kalender/<token>.ics")
@public
def calendar_feed(token: str) -> Response:
    """A facilitator's private calendar feed, for Outlook and other calendar programs (the token is the key)."""
    profile = profile_for_calendar_token(token)
    if profile is None:
        abort(404)
    body = feed(bookings_in_feed(profile.user_id), _("Köpkraft: mina sessioner"))
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
