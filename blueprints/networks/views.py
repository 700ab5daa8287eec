"""Views: match suggestions for a challenge, similar items beside the challenge form, networks with their
members, phases, checklist, linked challenges and activities (with .ics files)."""

from typing import Any

from flask import Response, abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from blueprints.accounts.queries import is_following
from blueprints.accounts.services import set_following
from blueprints.challenges.forms import ChallengeForm
from blueprints.challenges.models import Challenge
from blueprints.challenges.policies import PROPOSE_CHALLENGES
from blueprints.challenges.queries import get_visible_challenge
from blueprints.core.access import login_required, permission_required
from blueprints.core.actions import form_status, perform
from blueprints.core.args import int_arg, int_args
from blueprints.core.db import db
from blueprints.core.downloads import download
from blueprints.core.formatting import STOCKHOLM, swedish_time_to_utc
from blueprints.core.htmx import is_partial, render
from blueprints.core.i18n import current_language
from blueprints.networks.blueprint import bp
from blueprints.networks.calendar import activity_calendar
from blueprints.networks.constants import (
    ACTIVITY_KINDS,
    CHECKLIST,
    INVITED,
    MEMBER_ROLES,
    MEMBER_STATUSES,
    PHASE_ORDER,
    PHASES,
    event_text,
)
from blueprints.networks.forms import (
    ActivityForm,
    InviteForm,
    LinkChallengeForm,
    NetworkForm,
    PhaseForm,
)
from blueprints.networks.models import Network, NetworkActivity, NetworkMember
from blueprints.networks.policies import (
    ANSWER_INVITATIONS,
    RUN_NETWORKS,
    SEE_MATCH_SUGGESTIONS,
    may_answer,
    may_answer_applications,
    may_apply,
    sees_inside,
)
from blueprints.networks.queries import (
    NetworkFilter,
    challenges_by_id,
    coordinator_choices,
    declared_volume,
    get_visible_network,
    member_organisations,
    power_of,
    power_of_networks,
    search_networks,
    similar_to_draft,
    suggestions_for,
    visible_challenge_ids,
)
from blueprints.networks.services import (
    ActivityData,
    NetworkData,
    answer_application,
    answer_invitation,
    apply_to_join,
    can_answer,
    change_member_role,
    change_phase,
    create_network,
    dismiss_suggestion,
    invite_organisation,
    leave_network,
    link_challenge,
    save_activity,
    set_checklist_item,
    unlink_challenge,
    update_network,
    without_buyers,
)
from blueprints.organisations.queries import organisation_choices, organisation_names
from blueprints.organisations.regions import COUNTIES
from blueprints.statistics.buyers import top_buyers
from blueprints.statistics.market import market_of
from blueprints.statistics.power import branch_ranges
from blueprints.vocabulary.cpv import valid_codes
from blueprints.vocabulary.queries import need_area_choices, selected_cpv

SUGGESTION_COUNT = 10


# --- suggestions for a challenge -----------------------------------------------------------------------


def _staff_challenge(challenge_id: int) -> Challenge:
    challenge = get_visible_challenge(challenge_id, g.user)
    if challenge is None:
        abort(404)
    return challenge


@bp.get("/utmaningar/<int:challenge_id>/forslag")
@permission_required(SEE_MATCH_SUGGESTIONS)
def suggestions(challenge_id: int) -> ResponseReturnValue:
    """Ranked networks to join and challenges to form a network with, with reasons and pooled volume."""
    challenge = _staff_challenge(challenge_id)
    matches = suggestions_for(challenge, g.user, k=SUGGESTION_COUNT, language=current_language())
    return render(
        "networks/suggestions.html",
        block="suggestions",
        challenge=challenge,
        matches=matches,
        can_act=RUN_NETWORKS(g.user),
    )


@bp.post("/utmaningar/<int:challenge_id>/forslag")
@permission_required(RUN_NETWORKS)
def act_on_suggestion(challenge_id: int) -> ResponseReturnValue:
    """Create a network from selected challenges, add the challenge to a network, or dismiss a suggestion."""
    challenge = _staff_challenge(challenge_id)
    action, _sep, target = request.form.get("action", "").partition(":")
    back = url_for("networks.suggestions", challenge_id=challenge.id)
    if action == "create":
        selected = int_args([challenge.id, *request.form.getlist("challenge")])
        return redirect(url_for("networks.create", challenge=selected), 303)
    kind, _sep, other = target.partition(":")
    other_id = int_arg(other)
    if other_id is None:
        abort(400)
    if action == "dismiss":
        perform(lambda: dismiss_suggestion(challenge=challenge, kind=kind, other_id=other_id, actor=g.user), back=back)
        message = _("Förslaget är avfärdat och visas inte igen.")
    elif action == "join" and kind == "network":
        network = db.get_or_404(Network, other_id)
        invited = perform(
            lambda: link_challenge(network=network, challenge=challenge, invite=True, actor=g.user), back=back
        )
        message = (
            _("Utmaningen är kopplad till nätverket och organisationen är inbjuden.")
            if invited
            else _("Utmaningen är kopplad till nätverket.")
        )
        back = url_for("networks.detail", network_id=network.id)
    else:
        abort(400)
    flash(message, "success")
    return redirect(back, 303)


@bp.post("/utmaningar/liknande")
@permission_required(PROPOSE_CHALLENGES)
def similar() -> ResponseReturnValue:
    """Similar challenges and networks for the challenge being written (beside the form, as the user types)."""
    challenge_id = int_arg(request.args.get("challenge"))
    challenge = get_visible_challenge(challenge_id, g.user) if challenge_id else None
    matches = similar_to_draft(ChallengeForm(), challenge, g.user, current_language())
    return render("networks/_similar.html", matches=matches)


# --- networks ------------------------------------------------------------------------------------------


@bp.get("/natverk/")
@login_required
def index() -> ResponseReturnValue:
    """Find networks: search and filters (phase, need area, län, member organisation) in the URL."""
    flt = NetworkFilter.from_args(request.args)
    page = search_networks(flt, g.user)
    return render(
        "networks/index.html",
        block="results",
        flt=flt,
        page=page,
        power=power_of_networks(page.items),
        phases=PHASES,
        need_areas=need_area_choices(),
        counties=COUNTIES,
        organisations=member_organisations(),
    )


def _network_form(
    network: Network | None, challenges: list[Challenge], organisations: list[tuple[int, str]] | None = None
) -> NetworkForm:
    form = NetworkForm(obj=network) if network else NetworkForm()
    form.need_area_id.choices = [(0, _("Välj behovsområde")), *need_area_choices()]
    form.host_organisation_id.choices = organisation_choices()
    form.coordinator_id.choices = coordinator_choices()
    form.challenge_ids.choices = [(c.id, f"{c.title} ({c.organisation.name})") for c in challenges]
    form.organisation_ids.choices = organisations or []
    if request.method == "GET":
        if network:
            form.openness.data = "open" if network.is_open else "closed"
            form.need_area_id.data = network.need_area_id or 0
            form.host_organisation_id.data = network.host_organisation_id or 0
            form.coordinator_id.data = network.coordinator_id or 0
        else:
            form.challenge_ids.data = [c.id for c in challenges]
            form.coordinator_id.data = g.user.id if RUN_NETWORKS(g.user) else 0
            if challenges:
                first = challenges[0]
                form.name.data = _("Nätverk: %(title)s", title=first.title)
                form.common_challenge.data = "\n\n".join(c.description or c.title for c in challenges)
                form.need_area_id.data = first.need_area_id or 0
                form.cpv_codes.data = " ".join(dict.fromkeys(code.code for c in challenges for code in c.cpv_codes))
                form.host_organisation_id.data = first.organisation_id
            elif organisations:  # organisations found in the statistics: the first hosts, the rest are invited
                form.host_organisation_id.data = organisations[0][0]
                form.cpv_codes.data = " ".join(valid_codes(request.args.get("cpv", "")))
            form.organisation_ids.data = [organisation_id for organisation_id, _name in organisations or []][1:]
    return form


def _network_data(form: NetworkForm) -> NetworkData:
    return NetworkData(
        name=(form.name.data or "").strip(),
        common_challenge=(form.common_challenge.data or "").strip(),
        need_area_id=form.need_area_id.data or None,
        cpv_codes=form.cpv_codes.parsed,
        host_organisation_id=form.host_organisation_id.data or None,
        coordinator_id=form.coordinator_id.data or None,
        is_open=form.openness.data != "closed",
    )


def _selected_cpv(form: NetworkForm) -> list[tuple[str, str]]:
    return selected_cpv(form.cpv_codes.data or "", current_language())


@bp.route("/natverk/ny", methods=["GET", "POST"])
@permission_required(RUN_NETWORKS)
def create() -> ResponseReturnValue:
    """Create a network, from scratch, from challenges chosen among the suggestions, or from organisations
    found in the statistics."""
    ids = int_args(request.args.getlist("challenge") or request.form.getlist("challenge_ids"))
    organisation_ids = int_args(request.args.getlist("organisation") or request.form.getlist("organisation_ids"))
    form = _network_form(None, challenges_by_id(ids), organisation_names(organisation_ids))
    if form.validate_on_submit():
        network = perform(
            lambda: create_network(
                data=_network_data(form),
                challenge_ids=form.challenge_ids.data or [],
                organisation_ids=form.organisation_ids.data or [],
                invite=form.invite.data == "yes",
                actor=g.user,
            ),
            form=form,
        )
        if network is not None:
            flash(_("Nätverket är skapat."), "success")
            nobody = _unanswerable(network)
            if nobody:
                flash(_unanswerable_message(nobody), "warning")
            return redirect(url_for("networks.detail", network_id=network.id), 303)
    return render(
        "networks/form.html", form=form, network=None, selected_cpv=_selected_cpv(form), status=form_status(form)
    )


def _visible_network(network_id: int) -> Network:
    network = get_visible_network(network_id, g.user)
    if network is None:
        abort(404)
    return network


def _runner_network(network_id: int) -> Network:
    return db.get_or_404(Network, network_id)


@bp.route("/natverk/<int:network_id>/redigera", methods=["GET", "POST"])
@permission_required(RUN_NETWORKS)
def edit(network_id: int) -> ResponseReturnValue:
    """Change a network's facts, host, coordinator and openness."""
    network = _runner_network(network_id)
    form = _network_form(network, [])
    if form.validate_on_submit() and perform(
        lambda: update_network(network=network, data=_network_data(form), actor=g.user), form=form
    ):
        flash(_("Nätverket är sparat."), "success")
        return redirect(url_for("networks.detail", network_id=network.id), 303)
    return render(
        "networks/form.html", form=form, network=network, selected_cpv=_selected_cpv(form), status=form_status(form)
    )


def _detail_page(network: Network, status: int = 200, **forms: FlaskForm) -> ResponseReturnValue:
    user = g.user
    own = network.member_for(user.organisation_id)
    can_run = RUN_NETWORKS(user)
    invite_form = forms.get("invite_form") or InviteForm(formdata=None)
    phase_form = forms.get("phase_form") or PhaseForm(formdata=None)
    index = PHASE_ORDER.index(network.phase)
    phase_form.phase.choices = [(p, PHASES[p]) for p in PHASE_ORDER if abs(PHASE_ORDER.index(p) - index) == 1]
    if not forms.get("phase_form") and index + 1 < len(PHASE_ORDER):
        phase_form.phase.data = PHASE_ORDER[index + 1]
    done = {(c.phase, c.item): c for c in network.checklist}
    visible = visible_challenge_ids({c.id for c in network.challenges} | {e.challenge_id for e in network.events}, user)
    return render(
        "networks/detail.html",
        network=network,
        own=own,
        can_run=can_run,
        sees_details=sees_inside(network, user),
        may_answer=own is not None and may_answer(own, user),
        invite_form=invite_form,
        phase_form=phase_form,
        link_form=forms.get("link_form") or LinkChallengeForm(formdata=None),
        done=done,
        checklist=CHECKLIST,
        phases=PHASES,
        phase_order=PHASE_ORDER,
        member_roles=MEMBER_ROLES,
        member_statuses=MEMBER_STATUSES,
        activity_kinds=ACTIVITY_KINDS,
        linked=[c for c in network.challenges if c.id in visible],
        unanswerable=_unanswerable(network) if can_run else [],
        may_apply=may_apply(network, user),
        following=is_following(user, "network", network.id),
        answers_applications=may_answer_applications(network, user),
        history=[
            (event, event_text(event.kind, event.detail))
            for event in reversed(network.events)
            if event.challenge_id is None or event.challenge_id in visible
        ],
        power=power_of(network),
        declared=declared_volume(network),
        **_market_knowledge(network),
        status=status,
    )


def _market_knowledge(network: Network) -> dict[str, Any]:
    """Who else bought in the network's branches, and the market there (the statistics)."""
    ranges = tuple(branch_ranges([code.code for code in network.cpv_codes]))
    if not ranges:
        return {"others": None, "market": None}
    return {
        "others": top_buyers(
            ranges, excluding=[member.organisation_id for member in network.members if member.belongs]
        ),
        "others_codes": [code.code for code in network.cpv_codes],
        "market": market_of(ranges),
        "county_names": COUNTIES,
    }


@bp.get("/natverk/<int:network_id>")
@login_required
def detail(network_id: int) -> ResponseReturnValue:
    """A network: facts, phase and checklist, members and pooled volume, challenges, activities, history."""
    return _detail_page(_visible_network(network_id))


def _done(message: str, network: Network, anchor: str = "") -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for("networks.detail", network_id=network.id) + anchor, 303)


@bp.post("/natverk/<int:network_id>/fas")
@permission_required(RUN_NETWORKS)
def phase(network_id: int) -> ResponseReturnValue:
    """Move the network to the next (or previous) phase."""
    network = _runner_network(network_id)
    form = PhaseForm()
    form.phase.choices = list(PHASES.items())
    if form.validate_on_submit() and perform(
        lambda: change_phase(network=network, to_phase=form.phase.data, note=form.note.data or "", actor=g.user),
        form=form,
    ):
        return _done(_("Nätverket är i fasen %(phase)s.", phase=str(PHASES[network.phase]).lower()), network, "#fas")
    return _detail_page(_visible_network(network_id), 422, phase_form=form)


@bp.post("/natverk/<int:network_id>/checklista")
@permission_required(RUN_NETWORKS)
def checklist(network_id: int) -> ResponseReturnValue:
    """Mark a checklist point as done or not done."""
    network = _runner_network(network_id)
    perform(
        lambda: set_checklist_item(
            network=network,
            phase=request.form.get("phase", ""),
            item=request.form.get("item", ""),
            done=request.form.get("done") == "1",
            actor=g.user,
        )
    )
    if is_partial():  # htmx: the checklist alone, focus on the phase's heading (the page keeps its place)
        return render(
            "networks/detail.html",
            block="checklist",
            network=network,
            done={(c.phase, c.item): c for c in network.checklist},
            checklist=CHECKLIST,
            phases=PHASES,
            phase_order=PHASE_ORDER,
            can_run=True,
            changed_phase=request.form.get("phase", ""),
            checklist_message=_("Checklistan är uppdaterad."),
        )
    return _done(_("Checklistan är uppdaterad."), network, "#checklista")


@bp.post("/natverk/<int:network_id>/medlemmar")
@permission_required(RUN_NETWORKS)
def invite(network_id: int) -> ResponseReturnValue:
    """Invite an organisation; its buyers get an e-mail with a link to answer."""
    network = _runner_network(network_id)
    form = InviteForm()
    if form.validate_on_submit():
        member = perform(
            lambda: invite_organisation(
                network=network,
                organisation_id=form.organisation.organisation_id or 0,
                role=form.role.data,
                actor=g.user,
                person=form.person,
            ),
            form=form,
        )
        if member is not None:
            if not can_answer(member.organisation_id):
                flash(_unanswerable_message([member.organisation.name]), "warning")
                return redirect(url_for("networks.detail", network_id=network.id) + "#medlemmar", 303)
            return _done(_("%(name)s är inbjuden.", name=member.organisation.name), network, "#medlemmar")
    return _detail_page(_visible_network(network_id), 422, invite_form=form)


def _unanswerable(network: Network) -> list[str]:
    """The invited organisations where nobody can answer (they have no user)."""
    invited = {m.organisation_id: m.organisation.name for m in network.members if m.status == INVITED}
    nobody = without_buyers(invited)
    return [name for organisation_id, name in invited.items() if organisation_id in nobody]


def _unanswerable_message(names: list[str]) -> str:
    return _(
        "Inbjudan är sparad, men ingen kan svara på den ännu: %(names)s har ingen användare i Köpkraft. "
        "Bjud in en person där (fältet för e-post under Bjud in en organisation).",
        names=", ".join(names),
    )


def _member(network: Network, member_id: int) -> NetworkMember:
    member = db.session.get(NetworkMember, member_id)
    if member is None or member.network_id != network.id:
        abort(404)
    return member


@bp.post("/natverk/<int:network_id>/medlemmar/<int:member_id>")
@permission_required(RUN_NETWORKS)
def update_member(network_id: int, member_id: int) -> ResponseReturnValue:
    """Change a member's role, or record that the organisation has left."""
    network = _runner_network(network_id)
    member = _member(network, member_id)
    back = url_for("networks.detail", network_id=network.id) + "#medlemmar"
    if request.form.get("action", "") == "leave":
        perform(lambda: leave_network(member=member, actor=g.user), back=back)
    else:
        perform(lambda: change_member_role(member=member, role=request.form.get("role", ""), actor=g.user), back=back)
    return _done(_("Medlemmen är uppdaterad."), network, "#medlemmar")


@bp.post("/natverk/<int:network_id>/svar")
@permission_required(ANSWER_INVITATIONS)
def answer(network_id: int) -> ResponseReturnValue:
    """The user's organisation accepts or declines its invitation, or leaves the network."""
    network = _visible_network(network_id)
    member = network.member_for(g.user.organisation_id)
    if member is None or not may_answer(member, g.user):
        abort(404)
    action = request.form.get("action", "")
    back = url_for("networks.detail", network_id=network.id)
    if action in ("accept", "decline"):
        perform(lambda: answer_invitation(member=member, accept=action == "accept", user=g.user), back=back)
    elif action == "leave":
        perform(lambda: leave_network(member=member, actor=g.user), back=back)
    else:
        abort(400)
    messages = {
        "accept": _("Välkommen i nätverket %(name)s!", name=network.name),
        "decline": _("Ni har tackat nej till nätverket %(name)s.", name=network.name),
        "leave": _("Ni har lämnat nätverket %(name)s.", name=network.name),
    }
    flash(messages[action], "success")
    back_to_start = request.form.get("back") == "start"
    return redirect(url_for("site.index") if back_to_start else back, 303)


@bp.post("/natverk/<int:network_id>/folj")
@login_required
def follow(network_id: int) -> ResponseReturnValue:
    """Follow a network one sees (or stop): its history on the start page and by e-mail."""
    network = _visible_network(network_id)
    on = request.form.get("follow") == "1"
    perform(lambda: set_following(user=g.user, object_type="network", object_id=network.id, follow=on))
    flash(_("Du följer nätverket.") if on else _("Du följer inte längre nätverket."), "success")
    return redirect(url_for("networks.detail", network_id=network.id), 303)


@bp.post("/natverk/<int:network_id>/ansok")
@login_required
def apply(network_id: int) -> ResponseReturnValue:
    """A buyer's organisation asks to join an open network."""
    network = _visible_network(network_id)
    if not may_apply(network, g.user):
        abort(403)
    perform(lambda: apply_to_join(network=network, user=g.user))
    flash(_("Er ansökan är skickad. Värden eller myndigheten svarar, och ni får beskedet med e-post."), "success")
    return redirect(url_for("networks.detail", network_id=network.id) + "#medlemmar", 303)


@bp.post("/natverk/<int:network_id>/ansokningar/<int:member_id>")
@login_required
def answer_applicant(network_id: int, member_id: int) -> ResponseReturnValue:
    """The host or the agency admits or refuses an organisation that asked to join."""
    network = _visible_network(network_id)
    if not may_answer_applications(network, g.user):
        abort(403)
    member = _member(network, member_id)
    action = request.form.get("action", "")
    if action not in ("admit", "refuse"):
        abort(400)
    perform(lambda: answer_application(member=member, accept=action == "admit", actor=g.user))
    message = _("%(name)s är medlem nu.") if action == "admit" else _("%(name)s fick nej.")
    flash(message % {"name": member.organisation.name}, "success")
    return redirect(url_for("networks.detail", network_id=network.id) + "#medlemmar", 303)


@bp.post("/natverk/<int:network_id>/utmaningar")
@permission_required(RUN_NETWORKS)
def link(network_id: int) -> ResponseReturnValue:
    """Link a challenge to the network (its organisation is invited when not yet in)."""
    network = _runner_network(network_id)
    form = LinkChallengeForm()
    if form.validate_on_submit():
        challenge = db.session.get(Challenge, form.challenge_id.parsed)
        if challenge is None:
            form.challenge_id.errors = [_("Det finns ingen utmaning med det numret.")]
        elif (
            perform(lambda: link_challenge(network=network, challenge=challenge, invite=True, actor=g.user), form=form)
            is not None
        ):
            return _done(_("Utmaningen är kopplad till nätverket."), network, "#utmaningar")
    return _detail_page(_visible_network(network_id), 422, link_form=form)


@bp.post("/natverk/<int:network_id>/utmaningar/<int:challenge_id>/ta-bort")
@permission_required(RUN_NETWORKS)
def unlink(network_id: int, challenge_id: int) -> ResponseReturnValue:
    """Take a challenge out of the network."""
    network = _runner_network(network_id)
    challenge = db.get_or_404(Challenge, challenge_id)
    perform(lambda: unlink_challenge(network=network, challenge=challenge, actor=g.user))
    return _done(_("Utmaningen är borttagen från nätverket."), network, "#utmaningar")


# --- activities ----------------------------------------------------------------------------------------


def _activity(network: Network, activity_id: int) -> NetworkActivity:
    activity = db.session.get(NetworkActivity, activity_id)
    if activity is None or activity.network_id != network.id:
        abort(404)
    return activity


def _insider_network(network_id: int) -> Network:
    """A network whose activities the user may read: staff, and members of it."""
    network = _visible_network(network_id)
    if not sees_inside(network, g.user):
        abort(404)
    return network


def _activity_form(network: Network, activity: NetworkActivity | None) -> ActivityForm:
    form = ActivityForm(obj=activity) if activity else ActivityForm()
    form.organisation_ids.choices = [(m.organisation_id, m.organisation.name) for m in network.members if m.belongs]
    if request.method == "GET" and activity:
        start, end = activity.starts_at.astimezone(STOCKHOLM), activity.ends_at.astimezone(STOCKHOLM)
        form.day.data, form.start_time.data, form.end_time.data = start.date(), start.time(), end.time()
        form.organisation_ids.data = [o.id for o in activity.organisations]
    return form


def _activity_data(form: ActivityForm) -> ActivityData:
    return ActivityData(
        kind=form.kind.data,
        title=(form.title.data or "").strip(),
        starts_at=swedish_time_to_utc(form.day.data, form.start_time.data),
        ends_at=swedish_time_to_utc(form.day.data, form.end_time.data),
        place=(form.place.data or "").strip(),
        video_link=(form.video_link.data or "").strip(),
        agenda=(form.agenda.data or "").strip(),
        minutes=(form.minutes.data or "").strip(),
        suppliers=(form.suppliers.data or "").strip(),
        shared_information=(form.shared_information.data or "").strip(),
        organisation_ids=form.organisation_ids.data or [],
    )


def _activity_form_page(network: Network, activity: NetworkActivity | None) -> ResponseReturnValue:
    form = _activity_form(network, activity)
    if form.validate_on_submit():
        saved = perform(
            lambda: save_activity(network=network, activity=activity, data=_activity_data(form), actor=g.user),
            form=form,
        )
        if saved is not None:
            flash(_("Aktiviteten är sparad."), "success")
            return redirect(url_for("networks.activity", network_id=network.id, activity_id=saved.id), 303)
    return render(
        "networks/activity_form.html", form=form, network=network, activity=activity, status=form_status(form)
    )


@bp.route("/natverk/<int:network_id>/aktiviteter/ny", methods=["GET", "POST"])
@permission_required(RUN_NETWORKS)
def create_activity(network_id: int) -> ResponseReturnValue:
    """Plan a network meeting, market dialogue, study visit or workshop."""
    return _activity_form_page(_runner_network(network_id), None)


@bp.route("/natverk/<int:network_id>/aktiviteter/<int:activity_id>/redigera", methods=["GET", "POST"])
@permission_required(RUN_NETWORKS)
def edit_activity(network_id: int, activity_id: int) -> ResponseReturnValue:
    """Change an activity, or write its minutes and the suppliers' part afterwards."""
    network = _runner_network(network_id)
    return _activity_form_page(network, _activity(network, activity_id))


@bp.get("/natverk/<int:network_id>/aktiviteter/<int:activity_id>")
@login_required
def activity(network_id: int, activity_id: int) -> ResponseReturnValue:
    """One activity: time, place, agenda, participants, minutes and, for market dialogues, the suppliers."""
    network = _insider_network(network_id)
    return render(
        "networks/activity.html",
        network=network,
        activity=_activity(network, activity_id),
        activity_kinds=ACTIVITY_KINDS,
        can_run=RUN_NETWORKS(g.user),
    )


@bp.get("/natverk/<int:network_id>/aktiviteter/<int:activity_id>.ics")
@login_required
def activity_ics(network_id: int, activity_id: int) -> Response:
    """The activity as a calendar file."""
    network = _insider_network(network_id)
    activity = _activity(network, activity_id)
    return download(activity_calendar(activity), "text/calendar; charset=utf-8", f"aktivitet-{activity.id}.ics")
