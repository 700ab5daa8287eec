"""Proposing a challenge: drafts, submission, validation (full page and inline), editing rights."""

import re

import sqlalchemy as sa

from blueprints.challenges.models import Challenge
from blueprints.core.db import db
from blueprints.core.models import OutboxEmail
from tests.conftest import csrf_token

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


def _complete(areas, **fields):
    return {
        "title": "Fossilfri skolskjuts i Angered",
        "description": "Elbussar för skolskjuts på tre linjer.",
        "need_area_id": str(areas["Fossilfria transporter"]),
        "cpv_codes": "60130000 34144910-0",
        "contact_name": "Bengt Beställare",
        "contact_email": "bengt@goteborg.se",
        "annual_volume": "1 250 000",
        "planned_year": "2027",
        "planned_quarter": "2",
        "innovation_level": "adaptation",
        "network_interest": "yes",
        "visibility": "all",
        **fields,
    }


def _post(client, path="/utmaningar/ny", **data):
    return client.post(path, data={"csrf_token": csrf_token(client), **data})


def _stored(app, title="Fossilfri skolskjuts i Angered"):
    with app.app_context():
        return db.session.scalar(
            sa.select(Challenge)
            .where(Challenge.title == title)
            .options(sa.orm.selectinload(Challenge.cpv_codes), sa.orm.selectinload(Challenge.events))
        )


def test_form_page(client, auth, people, areas):
    auth.login("buyer@example.org")
    html = client.get("/utmaningar/ny").get_data(as_text=True)
    assert "Föreslå en utmaning" in html and 'name="cpv_codes"' in html and "data-cpv-picker" in html
    assert "Göteborgs kommun" in html and 'name="organisation_id"' not in html  # a buyer's own organisation


def test_save_draft_with_only_a_title(app, client, auth, people, areas):
    auth.login("buyer@example.org")
    response = _post(client, title="Bara en idé", action="draft")
    assert response.status_code == 303
    challenge = _stored(app, "Bara en idé")
    assert challenge.status == "draft" and challenge.organisation_id == people["home"].id
    assert [e.to_status for e in challenge.events] == ["draft"]


def test_submit_stores_everything_and_mails_a_confirmation(app, client, auth, people, areas):
    auth.login("buyer@example.org")
    response = _post(client, action="submit", **_complete(areas))
    assert response.status_code == 303
    challenge = _stored(app)
    assert challenge.status == "submitted" and challenge.submitted_at is not None
    assert [c.code for c in challenge.cpv_codes] == ["34144910", "60130000"]
    assert challenge.annual_volume_sek == 1_250_000 and challenge.planned_quarter == 2
    assert [e.to_status for e in challenge.events] == ["draft", "submitted"]
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxEmail))
        assert mail.recipient == "buyer@example.org" and "inskickad" in mail.subject
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Passagerartransport på väg för särskilda ändamål" in page and "1\u00a0250\u00a0000\u00a0kr" in page


def test_submit_lists_every_missing_field(app, client, auth, people, areas):
    auth.login("buyer@example.org")
    response = _post(client, title="Halvfärdig", action="submit")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in [
        "Beskriv behovet",
        "Välj ett behovsområde",
        "Välj minst en CPV-kod",
        "Ange en kontaktperson",
        "Ange när upphandlingen är planerad",
        "Välj innovationsnivå",
        "delta i ett nätverk",
    ]:
        assert message in html, message
    assert _stored(app, "Halvfärdig") is None


def test_bad_cpv_codes(client, auth, people, areas):
    auth.login("buyer@example.org")
    for codes, message in [
        ("4523312", "Ingen giltig CPV-kod: 4523312"),
        ("45233120-5", "Ingen giltig CPV-kod"),
        ("12345678", "Okända CPV-koder: 12345678"),
    ]:
        response = _post(client, action="submit", **_complete(areas, cpv_codes=codes))
        assert response.status_code == 422 and message in response.get_data(as_text=True), codes


def test_bad_volume_and_email(client, auth, people, areas):
    auth.login("buyer@example.org")
    response = _post(client, action="submit", **_complete(areas, annual_volume="en miljon", contact_email="nej"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv volymen som ett heltal i kronor" in html and "Ange en giltig e-postadress" in html


def test_missing_title_even_for_a_draft(client, auth, people, areas):
    auth.login("buyer@example.org")
    response = _post(client, title="", action="draft")
    assert response.status_code == 422 and "Fyll i fältet." in response.get_data(as_text=True)


def test_inline_validation_returns_only_the_field(client, auth, people, areas):
    auth.login("buyer@example.org")
    response = client.post(
        "/utmaningar/falt/annual_volume",
        headers={**PARTIAL, "X-CSRFToken": csrf_token(client)},
        data={"annual_volume": "12 kr och 50 öre", "title": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Skriv volymen som ett heltal" in html and 'aria-invalid="true"' in html
    assert "Fyll i fältet" not in html  # the title's problem waits until the title is left or the form sent
    fine = client.post(
        "/utmaningar/falt/cpv_codes",
        headers={**PARTIAL, "X-CSRFToken": csrf_token(client)},
        data={"cpv_codes": "45233120-6"},
    ).get_data(as_text=True)
    assert "field__error" not in fine
    assert client.post("/utmaningar/falt/nope", headers={"X-CSRFToken": csrf_token(client)}).status_code == 404


def test_staff_choose_the_organisation(app, client, auth, people, areas):
    auth.login("facilitator@example.org")
    response = _post(client, action="submit", organisation_id=str(people["other"].id), **_complete(areas))
    assert response.status_code == 303
    assert _stored(app).organisation_id == people["other"].id


def test_buyer_cannot_post_for_another_organisation(app, client, auth, people, areas):
    auth.login("buyer@example.org")
    _post(client, action="draft", organisation_id=str(people["other"].id), title="Försök")
    assert _stored(app, "Försök").organisation_id == people["home"].id


def test_edit_own_draft_then_submit(app, client, auth, people, areas, make_challenge):
    challenge_id = make_challenge(title="Utkast", status="draft")
    auth.login("buyer@example.org")
    assert client.get(f"/utmaningar/{challenge_id}/redigera").status_code == 200
    response = _post(
        client, f"/utmaningar/{challenge_id}/redigera", action="submit", **_complete(areas, title="Utkast, klart")
    )
    assert response.status_code == 303
    assert _stored(app, "Utkast, klart").status == "submitted"


def test_buyer_cannot_edit_a_submitted_challenge(client, auth, people, make_challenge):
    challenge_id = make_challenge(status="submitted")
    auth.login("buyer@example.org")
    assert client.get(f"/utmaningar/{challenge_id}/redigera").status_code == 403


def test_other_organisations_draft_is_not_found(client, auth, people, make_challenge):
    challenge_id = make_challenge(organisation="other", status="draft")
    auth.login("buyer@example.org")
    assert client.get(f"/utmaningar/{challenge_id}").status_code == 404
    assert client.get(f"/utmaningar/{challenge_id}/redigera").status_code == 404
    assert _post(client, f"/utmaningar/{challenge_id}/redigera", title="Kapad", action="draft").status_code == 404


def test_buyers_cannot_read_the_organisation_list_through_inline_validation(client, auth, people, areas):
    """The field is staff-only; its block once gave a buyer every organisation's id and name (issue 16, 11)."""
    auth.login("buyer@example.org")
    response = client.post("/utmaningar/falt/organisation_id", headers={**PARTIAL, "X-CSRFToken": csrf_token(client)})
    assert response.status_code == 404 and "Malmö kommun" not in response.get_data(as_text=True)
    auth.logout()
    auth.login("facilitator@example.org")
    staff = client.post("/utmaningar/falt/organisation_id", headers={**PARTIAL, "X-CSRFToken": csrf_token(client)})
    assert staff.status_code == 200 and "Malmö kommun" in staff.get_data(as_text=True)


def test_a_choice_sent_as_spaces_is_no_choice(app, client, auth, people, areas):
    auth.login("buyer@example.org")
    response = _post(client, **_complete(areas, innovation_level=" ", network_interest="  "))
    assert response.status_code == 303
    stored = _stored(app)
    assert stored.innovation_level is None and stored.network_interest is None


def test_without_javascript_words_in_the_cpv_field_give_codes_to_tick(app, client, auth, people, areas):
    auth.login("buyer@example.org")
    response = _post(client, action="submit", **_complete(areas, cpv_codes="60130000 städning"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Välj koder för ”städning” i listan under fältet." in html
    ticks = re.findall(r'<input type="checkbox" id="cpv_codes-match-(\d{8})" name="cpv_codes"', html)
    assert ticks and all(code.startswith("909") for code in ticks[:3])  # cleaning services
    field = re.search(r'<input[^>]*id="cpv_codes"[^>]*>', html)[0]
    assert 'value="60130000"' in field  # the words left the field; the code stayed
    # Sent again with one box ticked: the typed code and the ticked one are stored.
    response = _post(client, action="submit", **_complete(areas, cpv_codes=["60130000", ticks[0]]))
    assert response.status_code == 303
    assert [c.code for c in _stored(app).cpv_codes] == sorted(["60130000", ticks[0]])


def test_a_draft_never_fails_on_cpv(app, client, auth, people, areas):
    auth.login("buyer@example.org")
    response = _post(client, title="Städ i skolor", action="draft", cpv_codes="90911200 städning 1234")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Utkastet är sparat." in page and "Orden ”städning” är inga CPV-koder och sparades inte" in page
    assert [c.code for c in _stored(app, "Städ i skolor").cpv_codes] == ["90911200"]


def test_the_owner_chooses_whether_other_organisations_see_the_contact_person(app, client, auth, people, areas):
    auth.login("buyer@example.org")
    form = client.get("/utmaningar/ny").get_data(as_text=True)
    assert "Andra organisationer får se kontaktpersonen" in form
    assert _post(client, action="submit", **_complete(areas, share_contact="y")).status_code == 303
    assert _stored(app).share_contact is True
    assert _post(client, action="draft", title="Utan delning").status_code == 303
    assert _stored(app, "Utan delning").share_contact is False
