"""Networks end to end: from suggestions to a network, invitations by e-mail, answers, pooled volume, phases,
checklist, activities with calendar files, the list, and who may see what."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from blueprints.accounts.models import User
from blueprints.challenges.models import Challenge
from blueprints.core.db import db
from blueprints.core.models import OutboxEmail
from blueprints.networks.models import MatchDismissal, Network, NetworkActivity, NetworkMember
from blueprints.organisations.models import Organisation
from tests.conftest import csrf_token, deliver_outbox, link_in, page_text, text_body


def _purchases(app, people, make_procurement):
    """Both organisations bought school transport (class 6013) in 2021; Göteborg also bought meals, and both
    have large budgets: neither the meals nor the budgets belong in the pooled purchasing power."""
    make_procurement(people["home"], "60130000", value=9_800_000)
    make_procurement(people["home"], "60112000", value=1_000_000)  # another class of group 601: not 6013
    make_procurement(people["other"], "60130000", value=6_100_000)
    make_procurement(people["home"], "15894210", value=900_000_000)
    with app.app_context():
        db.session.get(Organisation, people["home"].id).annual_volume_sek = 9_800_000_000
        db.session.commit()


def test_staff_see_suggestions_create_a_network_and_the_invited_buyer_accepts(
    app, client, auth, people, areas, make_challenge, make_procurement, smtp
):
    _purchases(app, people, make_procurement)
    area = areas["Fossilfria transporter"]
    mine = make_challenge("Fossilfri skolskjuts på landsbygden", need_area_id=area, planned_year=2027)
    theirs = make_challenge(
        "Skolskjutsar med elbussar",
        organisation="other",
        need_area_id=area,
        planned_year=2027,
        created_by_id=people["buyer2"],
    )
    make_challenge("Ekologiska skolmåltider", organisation="other", codes=("15894210",))
    auth.login("facilitator@example.org")

    page = client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)
    assert "Skolskjutsar med elbussar" in page
    assert "Samma CPV-kod: 60130000" in page and "Gemensamma ord: skolskjuts" in page
    assert "Samma behovsområde" in page and "Planerad upphandling inom 6 månader" in page
    # Both organisations' purchases in the challenge's branch (6013), per year: not their budgets, not meals.
    assert "Samlad köpkraft tillsammans: 15,9 mnkr" in page_text(page)
    assert "Ekologiska skolmåltider" not in page  # another branch, no word in common: below the minimum score

    token = csrf_token(client)
    response = client.post(
        f"/utmaningar/{mine}/forslag", data={"csrf_token": token, "action": "create", "challenge": str(theirs)}
    )
    assert response.status_code == 303
    form_url = response.headers["Location"]
    form = client.get(form_url).get_data(as_text=True)
    assert "Skolskjutsar med elbussar (Malmö kommun)" in form
    response = client.post(
        form_url,
        data={
            "csrf_token": csrf_token(client),
            "name": "Fossilfri skolskjuts i Sydväst",
            "common_challenge": "Gemensam upphandling av fossilfri skolskjuts.",
            "need_area_id": str(area),
            "cpv_codes": "60130000",
            "host_organisation_id": str(people["home"].id),
            "coordinator_id": str(people["facilitator"]),
            "openness": "closed",
            "challenge_ids": [str(mine), str(theirs)],
            "invite": "yes",
        },
    )
    assert response.status_code == 303
    network_url = response.headers["Location"]
    with app.app_context():
        network = db.session.scalar(sa.select(Network))
        members = {m.organisation_id: (m.role, m.status) for m in network.members}
        assert members == {people["home"].id: ("vard", "aktiv"), people["other"].id: ("medlem", "inbjuden")}
        assert {c.id for c in network.challenges} == {mine, theirs}
        assert {c.status for c in network.challenges} == {"matched"}

    assert deliver_outbox(app)["sent"] >= 1
    invitation = next(m for m in smtp.messages if m["To"] == "buyer2@example.org" and "Inbjudan" in m["Subject"])
    assert "Malmö kommun är inbjuden till beställarnätverket" in text_body(invitation)
    assert link_in(invitation).startswith(network_url.split("#")[0])

    auth.logout()
    auth.login("buyer2@example.org")
    start = client.get("/").get_data(as_text=True)
    assert "Inbjudningar till beställarnätverk" in start and "Fossilfri skolskjuts i Sydväst" in start
    network_id = network_url.rstrip("/").split("/")[-1]
    response = client.post(
        f"/natverk/{network_id}/svar", data={"csrf_token": csrf_token(client), "action": "accept", "back": "start"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = client.get(network_url).get_data(as_text=True).replace("\u00a0", " ")
    # The members' purchases in the network's branch, as an average per year (2021 only): never a budget.
    assert "Samlad köpkraft per år 15,9 mnkr" in page_text(page) and "9 800 000 000" not in page
    assert "2021 15 900 000 kr 2 2" in page_text(page)  # the year: value, procurements, organisations
    assert "Malmö kommun tackade ja" in page
    assert "Inbjudningar till beställarnätverk" not in client.get("/").get_data(as_text=True)


def test_a_dismissed_suggestion_does_not_return_either_way(app, client, auth, people, make_challenge):
    mine = make_challenge("Fossilfri skolskjuts")
    theirs = make_challenge("Skolskjutsar med elbuss", organisation="other")
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    response = client.post(
        f"/utmaningar/{mine}/forslag", data={"csrf_token": token, "action": f"dismiss:challenge:{theirs}"}
    )
    assert response.status_code == 303
    assert "Skolskjutsar med elbuss" not in client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)
    assert "Fossilfri skolskjuts" not in client.get(f"/utmaningar/{theirs}/forslag").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchDismissal)) == 2


def test_suggestions_partial_and_adding_a_challenge_to_a_suggested_network(
    app, client, auth, people, make_challenge, make_network
):
    mine = make_challenge("Fossilfri skolskjuts")
    network_id = make_network("Nätverk för fossilfria skolskjutsar")
    auth.login("facilitator@example.org")
    partial = client.get(f"/utmaningar/{mine}/forslag", headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in body and 'id="forslag"' in body
    assert "Nätverk för fossilfria skolskjutsar" in body
    response = client.post(
        f"/utmaningar/{mine}/forslag",
        data={"csrf_token": csrf_token(client), "action": f"join:network:{network_id}"},
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/natverk/{network_id}"
    with app.app_context():
        network = db.session.get(Network, network_id)
        assert [c.id for c in network.challenges] == [mine]
        assert network.member_for(people["home"].id).status == "inbjuden"
        assert db.session.scalar(sa.select(OutboxEmail.recipient)) == "buyer@example.org"
    # Once linked, the network is no longer suggested for the challenge.
    assert "Nätverk för fossilfria skolskjutsar" not in client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)


def test_similar_items_beside_the_form_respect_what_a_buyer_may_see(app, client, auth, people, make_challenge):
    make_challenge("Skolskjutsar med elbuss", organisation="other")
    make_challenge("Skolskjuts internt", organisation="other", visibility="staff")
    make_challenge("Skolskjuts i norr", organisation="home")  # own organisation
    auth.login("buyer@example.org")
    token = csrf_token(client)
    response = client.post(
        "/utmaningar/liknande",
        data={"csrf_token": token, "title": "Fossilfri skolskjuts", "cpv_codes": "60130000"},
        headers={"HX-Request": "true", "HX-Request-Type": "partial"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "Skolskjutsar med elbuss" in body
    assert "Skolskjuts internt" not in body and "Skolskjuts i norr" not in body
    empty = client.post("/utmaningar/liknande", data={"csrf_token": token, "title": ""}).get_data(as_text=True)
    assert "Skriv en titel eller beskrivning" in empty


@pytest.mark.commits  # another app (worker) must see this test's rows
def test_a_new_or_changed_challenge_is_matched_on_the_next_request_in_another_worker(
    app, database_url, client, auth, people, make_challenge
):
    from app import create_app
    from tests.conftest import base_config

    mine = make_challenge("Fossilfri skolskjuts")
    auth.login("facilitator@example.org")
    assert "Elbussar för skolskjutsning" not in client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)
    # Another worker (its own app and index) writes; this worker's index must notice on the next request.
    other_worker = create_app(base_config(database_url))
    with other_worker.app_context():
        other = Challenge(title="Elbussar för skolskjutsning", organisation_id=people["other"].id, status="submitted")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    assert "Elbussar för skolskjutsning" in client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)
    with other_worker.app_context():
        db.session.get(Challenge, other_id).status = "archived"
        db.session.commit()
        db.engine.dispose()
    assert "Elbussar för skolskjutsning" not in client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)


def test_buyers_see_open_networks_and_their_own_closed_ones(app, client, auth, people, make_network, make_organisation):
    make_network("Öppet nätverk")
    make_network("Slutet med oss", is_open=False, members=[("home", "aktiv")])
    hidden = make_network("Slutet utan oss", is_open=False)
    auth.login("buyer@example.org")
    page = client.get("/natverk/").get_data(as_text=True)
    assert "Öppet nätverk" in page and "Slutet med oss" in page and "Slutet utan oss" not in page
    assert client.get(f"/natverk/{hidden}").status_code == 404
    partial = client.get(
        "/natverk/?phase=initiera&q=slutet", headers={"HX-Request": "true", "HX-Request-Type": "partial"}
    )
    body = partial.get_data(as_text=True)
    assert "<html" not in body and "Slutet med oss" in body and "Öppet nätverk" not in body
    assert "Slutet med oss" not in client.get("/natverk/?phase=driva").get_data(as_text=True)


def test_list_filters_by_county_and_member(app, client, auth, people, make_network):
    make_network("Skånskt", host="other")
    make_network("Västsvenskt", host="home")
    auth.login("manager@example.org")
    page = client.get("/natverk/?county=12").get_data(as_text=True)
    assert "Skånskt" in page and "Västsvenskt" not in page
    page = client.get(f"/natverk/?organisation={people['home'].id}").get_data(as_text=True)
    assert "Västsvenskt" in page and "Skånskt" not in page


def test_a_buyer_cannot_answer_another_organisations_invitation(
    app, client, auth, people, make_network, make_organisation
):
    lund = make_organisation(name="Lunds kommun", org_number="2120001132", county_code="12")
    network_id = make_network(host="home")
    with app.app_context():
        db.session.add(NetworkMember(network_id=network_id, organisation_id=lund.id, role="medlem", status="inbjuden"))
        db.session.commit()
    auth.login("buyer2@example.org")  # Malmö: neither host nor invited
    response = client.post(f"/natverk/{network_id}/svar", data={"csrf_token": csrf_token(client), "action": "accept"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Network, network_id).member_for(lund.id).status == "inbjuden"


def test_phases_move_one_step_with_dated_history_and_a_checklist(app, client, auth, people, make_network):
    network_id = make_network()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    jump = client.post(f"/natverk/{network_id}/fas", data={"csrf_token": token, "phase": "driva"})
    assert jump.status_code == 422 and "en fas i taget" in jump.get_data(as_text=True)
    assert (
        client.post(
            f"/natverk/{network_id}/fas", data={"csrf_token": token, "phase": "starta", "note": "Klart"}
        ).status_code
        == 303
    )
    client.post(
        f"/natverk/{network_id}/checklista",
        data={"csrf_token": token, "phase": "initiera", "item": "host", "done": "1"},
    )
    page = client.get(f"/natverk/{network_id}").get_data(as_text=True)
    assert "Fas: Starta" in page and "Ny fas: starta" in page and "Klart" in page
    assert "(klar)" in page
    bad = client.post(f"/natverk/{network_id}/checklista", data={"csrf_token": token, "phase": "initiera", "item": "x"})
    assert bad.status_code == 400


def test_inviting_a_member_twice_is_refused_in_swedish(app, client, auth, people, make_network):
    network_id = make_network(members=[("home", "aktiv")])
    auth.login("facilitator@example.org")
    response = client.post(
        f"/natverk/{network_id}/medlemmar",
        data={"csrf_token": csrf_token(client), "organisation": "212000-1355", "role": "medlem"},
    )
    assert response.status_code == 422
    assert "Göteborgs kommun är redan med i nätverket." in response.get_data(as_text=True)


def _activity_form(token, **changes):
    return {
        "csrf_token": token,
        "kind": "marknadsdialog",
        "title": "Marknadsdialog om elbussar",
        "day": "2026-10-26",
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "Malmö stadshus",
        "video_link": "",
        "agenda": "Behov och frågor",
        "minutes": "",
        "suppliers": "Elbuss AB\nSkolskjuts Syd AB",
        "shared_information": "Behovsbeskrivning 1.0 till alla",
        **changes,
    }


def test_activities_in_swedish_time_with_suppliers_and_a_calendar_file(app, client, auth, people, make_network):
    network_id = make_network(members=[("home", "aktiv")])
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    bad = client.post(f"/natverk/{network_id}/aktiviteter/ny", data=_activity_form(token, end_time="08:00"))
    assert bad.status_code == 422 and "Sluttiden måste vara efter starttiden." in bad.get_data(as_text=True)
    link = client.post(f"/natverk/{network_id}/aktiviteter/ny", data=_activity_form(token, video_link="javascript:x"))
    assert link.status_code == 422 and "https://" in link.get_data(as_text=True)
    response = client.post(
        f"/natverk/{network_id}/aktiviteter/ny",
        data=_activity_form(token, organisation_ids=[str(people["home"].id)]),
    )
    assert response.status_code == 303
    with app.app_context():
        activity = db.session.scalar(sa.select(NetworkActivity))
        # The day after the change to winter time: 09:00 in Stockholm is 08:00 UTC.
        assert activity.starts_at == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
        assert [o.name for o in activity.organisations] == ["Göteborgs kommun"]
        activity_id = activity.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Elbuss AB" in page and "Skolskjuts Syd AB" in page and "Behovsbeskrivning 1.0 till alla" in page

    ics = client.get(f"/natverk/{network_id}/aktiviteter/{activity_id}.ics")
    assert ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    assert str(event["dtstart"].params["TZID"]) == "Europe/Stockholm"
    uid, sequence = str(event["uid"]), int(event["sequence"])

    edit = f"/natverk/{network_id}/aktiviteter/{activity_id}/redigera"
    assert (
        client.post(edit, data=_activity_form(csrf_token(client), start_time="10:00", end_time="12:00")).status_code
        == 303
    )
    event = Calendar.from_ical(client.get(f"/natverk/{network_id}/aktiviteter/{activity_id}.ics").data).walk("VEVENT")[
        0
    ]
    assert str(event["uid"]) == uid and int(event["sequence"]) == sequence + 1

    auth.logout()
    auth.login("buyer2@example.org")  # Malmö hosts: a member sees the activity
    assert client.get(f"/natverk/{network_id}/aktiviteter/{activity_id}").status_code == 200


def test_a_buyer_outside_the_network_cannot_read_its_activities(app, client, auth, people, make_network):
    network_id = make_network(host="other")
    with app.app_context():
        activity = NetworkActivity(
            network_id=network_id,
            kind="workshop",
            title="Intern workshop",
            starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
            ends_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
        )
        db.session.add(activity)
        db.session.commit()
        activity_id = activity.id
    auth.login("buyer@example.org")
    page = client.get(f"/natverk/{network_id}").get_data(as_text=True)
    assert "Intern workshop" in page and f"/aktiviteter/{activity_id}" not in page
    assert client.get(f"/natverk/{network_id}/aktiviteter/{activity_id}").status_code == 404
    assert client.get(f"/natverk/{network_id}/aktiviteter/{activity_id}.ics").status_code == 404


def test_a_buyer_may_leave_but_the_host_may_not(app, client, auth, people, make_network):
    network_id = make_network(members=[("home", "aktiv")])
    auth.login("buyer@example.org")
    response = client.post(f"/natverk/{network_id}/svar", data={"csrf_token": csrf_token(client), "action": "leave"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Network, network_id).member_for(people["home"].id).status == "lamnat"
    auth.logout()
    auth.login("facilitator@example.org")
    with app.app_context():
        host = db.session.scalar(sa.select(NetworkMember).where(NetworkMember.role == "vard"))
    client.post(
        f"/natverk/{network_id}/medlemmar/{host.id}",
        data={"csrf_token": csrf_token(client), "action": "leave"},
    )
    assert "Värdorganisationen kan inte lämna nätverket" in client.get(f"/natverk/{network_id}").get_data(as_text=True)


HUGE = "99999999999"  # beyond PostgreSQL's integer range


def test_huge_numbers_in_network_forms_get_a_message(app, client, auth, people, make_challenge, make_network):
    mine = make_challenge()
    network_id = make_network()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    response = client.post(f"/natverk/{network_id}/utmaningar", data={"csrf_token": token, "challenge_id": HUGE})
    assert response.status_code == 422
    assert "Det finns ingen utmaning med det numret." in response.get_data(as_text=True)
    response = client.post(
        f"/utmaningar/{mine}/forslag", data={"csrf_token": token, "action": f"dismiss:challenge:{HUGE}"}
    )
    assert response.status_code == 400
    response = client.post(
        f"/utmaningar/{mine}/forslag", data={"csrf_token": token, "action": "create", "challenge": [HUGE, "x"]}
    )
    assert response.headers["Location"] == f"/natverk/ny?challenge={mine}"
    assert client.get(f"/natverk/ny?challenge={HUGE}").status_code == 200
    similar = client.post(
        f"/utmaningar/liknande?challenge={HUGE}",
        data={"csrf_token": token, "title": "Skolskjuts", "organisation_id": HUGE},
    )
    assert similar.status_code == 200


def test_managers_read_suggestions_but_cannot_act_on_them(app, client, auth, people, make_challenge):
    mine = make_challenge("Fossilfri skolskjuts")
    make_challenge("Skolskjutsar med elbuss", organisation="other")
    auth.login("manager@example.org")
    page = client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)
    assert "Skolskjutsar med elbuss" in page and "Samma CPV-kod: 60130000" in page
    assert "Avfärda" not in page and 'type="checkbox"' not in page and "Skapa nätverk av valda" not in page


def test_reasons_follow_the_users_language(app, client, auth, people, make_challenge):
    from blueprints.accounts.models import User

    with app.app_context():
        db.session.get(User, people["facilitator"]).language = "en"
        db.session.commit()
    mine = make_challenge("Fossilfri skolskjuts")
    make_challenge("Skolskjutsar med elbuss", organisation="other")
    auth.login("facilitator@example.org")
    page = client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)
    assert "Same CPV code: 60130000 Special-purpose road passenger-transport services" in page
    assert "Shared words: skolskjuts" in page and "Samma CPV-kod" not in page


def test_without_javascript_the_pages_still_show_suggestions_and_similar_items(
    app, client, auth, people, make_challenge
):
    make_challenge("Skolskjutsar med elbuss", organisation="other")
    mine = make_challenge("Fossilfri skolskjuts", status="draft")
    auth.login("facilitator@example.org")
    detail = client.get(f"/utmaningar/{mine}").get_data(as_text=True)
    assert f'href="/utmaningar/{mine}/forslag"' in detail  # a plain link where htmx would load the list
    edit = client.get(f"/utmaningar/{mine}/redigera").get_data(as_text=True)
    similar = edit[edit.index('id="similar"') :]
    assert "Skolskjutsar med elbuss" in similar  # rendered by the server beside the form
    invalid = client.post(
        f"/utmaningar/{mine}/redigera",
        data={"csrf_token": csrf_token(client), "title": "Fossilfri skolskjuts", "contact_email": "nej"},
    )
    assert invalid.status_code == 422 and "Skolskjutsar med elbuss" in invalid.get_data(as_text=True)


def test_editing_a_network_changes_its_suggestions_at_once(app, client, auth, people, make_challenge, make_network):
    mine = make_challenge("Fossilfri skolskjuts")
    network_id = make_network("Nätverk för resor", common_challenge="Resor")
    auth.login("facilitator@example.org")
    assert "Samma CPV-kod" not in client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)
    edit = f"/natverk/{network_id}/redigera"
    form = {
        "csrf_token": csrf_token(client),
        "name": "Nätverk för resor",
        "common_challenge": "Resor",
        "need_area_id": "0",
        "cpv_codes": "60130000",
        "host_organisation_id": str(people["other"].id),
        "coordinator_id": "0",
        "openness": "open",
    }
    assert client.post(edit, data=form).status_code == 303  # only the codes change (they live in another table)
    page = client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)
    assert "Nätverk för resor" in page and "Samma CPV-kod: 60130000" in page

    assert client.post(edit, data={**form, "host_organisation_id": str(people["home"].id)}).status_code == 303
    with app.app_context():
        members = {m.organisation_id: m.role for m in db.session.get(Network, network_id).members}
        assert members == {people["other"].id: "medlem", people["home"].id: "vard"}  # the former host stays
    # Göteborg now hosts it: it is no longer suggested to Göteborg's own challenge.
    assert "Nätverk för resor" not in client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)


def test_a_challenge_taken_out_of_its_last_network_is_reviewed_again(
    app, client, auth, people, make_challenge, make_network
):
    mine = make_challenge("Fossilfri skolskjuts")
    network_id = make_network()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    client.post(f"/natverk/{network_id}/utmaningar", data={"csrf_token": token, "challenge_id": str(mine)})
    with app.app_context():
        assert db.session.get(Challenge, mine).status == "matched"
    response = client.post(f"/natverk/{network_id}/utmaningar/{mine}/ta-bort", data={"csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Challenge, mine).status == "reviewed"
    assert (
        client.post(f"/natverk/{network_id}/utmaningar/{mine}/ta-bort", data={"csrf_token": token}).status_code == 404
    )


def test_invitations_and_participants_must_be_real_choices(app, client, auth, people, make_network):
    network_id = make_network()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    response = client.post(
        f"/natverk/{network_id}/medlemmar", data={"csrf_token": token, "organisation": "777", "role": "medlem"}
    )
    assert response.status_code == 422
    assert "Ingen organisation heter så eller har det organisationsnumret." in response.get_data(as_text=True)
    response = client.post(
        f"/natverk/{network_id}/aktiviteter/ny",
        data={**_activity_form(token), "organisation_ids": [str(people["home"].id)]},  # not a member
    )
    assert response.status_code == 422 and "inte ett giltigt val" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NetworkActivity)) == 0


def test_demo_networks_are_seeded_once(app, people):
    from blueprints.core.demo import seed_demo

    with app.test_request_context():
        seed_demo()
        db.session.commit()
        names = set(db.session.scalars(sa.select(Network.name)))
        assert {"Laddinfrastruktur för offentliga fordonsflottor", "Hållbara offentliga måltider i Skåne"} <= names
        skane = db.session.scalar(sa.select(Network).where(Network.name == "Hållbara offentliga måltider i Skåne"))
        assert not skane.is_open and skane.phase == "starta"
        assert seed_demo() == 0  # nothing twice


def _link(client, network_id, challenge_id):
    token = csrf_token(client)
    return client.post(
        f"/natverk/{network_id}/utmaningar", data={"csrf_token": token, "challenge_id": str(challenge_id)}
    )


def test_a_draft_cannot_be_linked_to_a_network(app, client, auth, people, make_challenge, make_network):
    draft = make_challenge("Hemligt utkast om snöröjning", organisation="other", status="draft")
    network_id = make_network()
    auth.login("facilitator@example.org")
    response = _link(client, network_id, draft)
    assert response.status_code == 422
    assert "Utmaningen finns inte eller är inte inskickad." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Network, network_id).challenges == []


def test_a_staff_only_challenge_in_an_open_network_stays_hidden_from_other_buyers(
    app, client, auth, people, make_challenge, make_network
):
    internal = make_challenge("Internt om vinterväghållning", organisation="other", visibility="staff")
    public = make_challenge("Öppen skolskjutsutmaning", organisation="other")
    network_id = make_network()  # open, and the buyer's organisation not in it
    auth.login("facilitator@example.org")
    assert _link(client, network_id, internal).status_code == 303
    assert _link(client, network_id, public).status_code == 303
    staff_page = client.get(f"/natverk/{network_id}").get_data(as_text=True)
    assert staff_page.count("Internt om vinterväghållning") >= 2  # the list and the history
    auth.logout()
    auth.login("buyer@example.org")
    page = client.get(f"/natverk/{network_id}").get_data(as_text=True)
    assert "Öppen skolskjutsutmaning" in page
    assert "Internt om vinterväghållning" not in page  # neither linked nor in the history
    # Nor as shared words of the network in the list beside the form.
    token = csrf_token(client)
    similar = client.post(
        "/utmaningar/liknande",
        data={"csrf_token": token, "title": "Internt om vinterväghållning"},
        headers={"HX-Request": "true", "HX-Request-Type": "partial"},
    ).get_data(as_text=True)
    assert "Skolskjutsnätverket" not in similar and "vinterväghållning" not in similar


def test_the_buyers_start_page_tells_memberships_from_invitations(app, client, auth, people, make_network):
    make_network("Skolskjutsnätverket", members=[("home", "aktiv")])
    make_network("Måltidsnätverket", members=[("home", "inbjuden")])
    auth.login("buyer@example.org")
    text = page_text(client.get("/").get_data(as_text=True))
    member_part = text.split("Er organisation är medlem i:")[1].split("Er organisation är inbjuden till")[0]
    assert "Skolskjutsnätverket" in member_part and "Måltidsnätverket" not in member_part
    invited_part = text.split("Er organisation är inbjuden till (inte svarat än):")[1]
    assert "Måltidsnätverket" in invited_part.split("Till nätverken")[0]


def _invite(client, network_id, org_number, **person):
    data = {"csrf_token": csrf_token(client), "organisation": org_number, "role": "medlem", **person}
    return client.post(f"/natverk/{network_id}/medlemmar", data=data)


def test_inviting_an_organisation_nobody_uses_says_so_and_a_person_can_be_named(
    app, client, auth, people, make_network, make_organisation
):
    lund = make_organisation(name="Lunds kommun", org_number="2120001132")
    network_id = make_network()
    auth.login("facilitator@example.org")
    response = _invite(client, network_id, "212000-1132")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ingen kan svara på den ännu: Lunds kommun har ingen användare i Köpkraft" in page
    assert "Ingen kan svara på inbjudan till: Lunds kommun." in page  # the network page keeps saying it
    with app.app_context():
        assert db.session.scalars(sa.select(OutboxEmail.recipient)).all() == []
    # Named in the same step: the person is invited as a buyer there, and the invitation can be answered.
    other_network = make_network("Måltidsnätverket")
    response = _invite(client, other_network, "212000-1132", person_email="lena@lund.se", person_name="Lena Lund")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lunds kommun är inbjuden." in page and "Ingen kan svara" not in page
    with app.app_context():
        lena = db.session.scalar(sa.select(User).where(User.email == "lena@lund.se"))
        assert lena.organisation_id == lund.id and lena.roles == {"buyer"}
        subjects = db.session.scalars(sa.select(OutboxEmail.subject).where(OutboxEmail.recipient == "lena@lund.se"))
        assert "Inbjudan till Köpkraft" in list(subjects)
    taken = _invite(client, make_network("Tredje"), "212000-1132", person_email="buyer2@example.org")
    assert taken.status_code == 422 and "buyer2@example.org hör till en annan organisation." in taken.get_data(
        as_text=True
    )


def test_weak_suggestions_wait_behind_show_more(app, client, auth, people, make_challenge, areas):
    area = areas["Fossilfria transporter"]
    when = {"planned_year": 2027, "planned_quarter": 2}
    mine = make_challenge("Fossilfri skolskjuts", need_area_id=area, **when)
    make_challenge("Elbussar för skolskjuts", organisation="other", need_area_id=area)  # words and CPV in common
    make_challenge(  # little in common: a weak suggestion
        "Arbetsmaskiner som är fossilfria",
        description="Hjullastare och grävmaskiner för gatukontoret",
        organisation="other",
        need_area_id=area,
        codes=("43260000",),
        **when,
    )
    auth.login("facilitator@example.org")
    body = client.get(f"/utmaningar/{mine}/forslag").get_data(as_text=True)
    first, _sep, more = body.partition('<details class="more-suggestions">')
    assert "Elbussar för skolskjuts" in first
    assert "Arbetsmaskiner som är fossilfria" not in first
    assert "Visa fler (1 svagare förslag)" in more and "Arbetsmaskiner som är fossilfria" in more


def test_an_invitation_says_what_joining_means_before_it_is_answered(app, client, auth, people, make_network):
    network_id = make_network(members=[("home", "inbjuden")])
    auth.login("buyer@example.org")
    text = page_text(client.get(f"/natverk/{network_id}").get_data(as_text=True))
    meaning = text.split("Vad det innebär")[1].split("Tacka ja")[0]
    assert "Nätverket har 1 aktiv medlem och är i fasen initiera." in meaning
    assert "Som medlem deltar ni i nätverksmöten" in meaning and "ingen organisation binds att köpa något" in meaning


def test_a_buyer_asks_to_join_an_open_network_and_the_agency_admits_them(app, client, auth, people, make_network):
    network_id = make_network()  # open, hosted by the other organisation
    auth.login("buyer@example.org")
    page = page_text(client.get(f"/natverk/{network_id}").get_data(as_text=True))
    assert "Vill er organisation vara med?" in page
    token = csrf_token(client)
    assert client.post(f"/natverk/{network_id}/ansok", data={"csrf_token": token}).status_code == 303
    page = page_text(client.get(f"/natverk/{network_id}").get_data(as_text=True))
    assert "Er ansökan om att gå med väntar på svar" in page and "Ansök om att gå med" not in page
    with app.app_context():
        member = db.session.scalar(sa.select(NetworkMember).where(NetworkMember.organisation_id == people["home"].id))
        assert member.status == "ansokt"
        asked = db.session.scalars(sa.select(OutboxEmail.recipient).where(OutboxEmail.subject.like("%vill gå med%")))
        assert list(asked) == ["buyer2@example.org"]  # the host organisation's buyer
    assert client.post(f"/natverk/{network_id}/ansok", data={"csrf_token": token}).status_code == 403  # once
    auth.logout()
    auth.login("facilitator@example.org")
    page = client.get(f"/natverk/{network_id}").get_data(as_text=True)
    assert "Ta emot som medlem" in page and "Ansökt" in page
    token = csrf_token(client)
    response = client.post(
        f"/natverk/{network_id}/ansokningar/{member.id}", data={"csrf_token": token, "action": "admit"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(NetworkMember, member.id).status == "aktiv"
        told = db.session.scalars(
            sa.select(OutboxEmail.recipient).where(OutboxEmail.subject.like("Svar på er ansökan%"))
        )
        assert list(told) == ["buyer@example.org"]
    history = page_text(client.get(f"/natverk/{network_id}").get_data(as_text=True))
    assert "Göteborgs kommun ansökte om att gå med" in history and "Göteborgs kommun fick ja på sin ansökan" in history


def test_the_host_answers_a_request_to_join_and_other_buyers_cannot(app, client, auth, people, make_network):
    network_id = make_network(host="home")
    with app.app_context():
        network = db.session.get(Network, network_id)
        network.members.append(NetworkMember(organisation_id=people["other"].id, role="medlem", status="ansokt"))
        db.session.commit()
        applicant = network.members[-1].id
    auth.login("buyer@example.org")  # a buyer of the host organisation
    token = csrf_token(client)
    refused = client.post(
        f"/natverk/{network_id}/ansokningar/{applicant}", data={"csrf_token": token, "action": "refuse"}
    )
    assert refused.status_code == 303
    with app.app_context():
        assert db.session.get(NetworkMember, applicant).status == "avbojd"
    auth.logout()
    auth.login("buyer2@example.org")  # the applicant's own buyer is no host
    token = csrf_token(client)
    assert (
        client.post(
            f"/natverk/{network_id}/ansokningar/{applicant}", data={"csrf_token": token, "action": "admit"}
        ).status_code
        == 403
    )


def test_following_a_network_and_a_challenge_shows_what_changed_and_emails_it(
    app, client, auth, people, make_network, make_challenge
):
    network_id = make_network()
    theirs = make_challenge("Elbussar för skolskjuts", organisation="other")
    auth.login("buyer@example.org")
    token = csrf_token(client)
    assert client.post(f"/natverk/{network_id}/folj", data={"csrf_token": token, "follow": "1"}).status_code == 303
    assert client.post(f"/utmaningar/{theirs}/folj", data={"csrf_token": token, "follow": "1"}).status_code == 303
    start = page_text(client.get("/").get_data(as_text=True))
    assert "Nätverk du följer" in start and "Utmaningar du följer" in start
    assert "inget nytt sedan du började följa" in start
    auth.logout()
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    client.post(f"/natverk/{network_id}/fas", data={"csrf_token": token, "phase": "starta", "note": ""})
    client.post(f"/utmaningar/{theirs}/beslut", data={"csrf_token": token, "action": "review", "note": ""})
    with app.app_context():
        subjects = db.session.scalars(
            sa.select(OutboxEmail.subject).where(OutboxEmail.recipient == "buyer@example.org")
        ).all()
    assert "Nytt i ett nätverk du följer: Skolskjutsnätverket" in subjects
    assert "Nytt i en utmaning du följer: Elbussar för skolskjuts" in subjects
    auth.logout()
    auth.login("buyer@example.org")
    start = page_text(client.get("/").get_data(as_text=True))
    assert "Ny fas: starta" in start and "ändrad" in start
    token = csrf_token(client)
    client.post(f"/natverk/{network_id}/folj", data={"csrf_token": token, "follow": "0"})
    assert "Nätverk du följer" not in page_text(client.get("/").get_data(as_text=True))
