"""Choosing an organisation by typing: suggestions as one types, and the text resolved when the form is sent
(by organisationsnummer, by exact name, or by the only name that matches; otherwise the nearest are named)."""

from tests.conftest import create_organisation, csrf_token, page_text


def test_suggestions_offer_matching_organisations_as_datalist_options(client, auth, people):
    auth.login("facilitator@example.org")
    html = client.get("/organisationer/forslag?field=organisation&organisation=malm").get_data(as_text=True)
    assert '<option value="Malmö kommun (212000-0837)">' in html and "Göteborg" not in html
    by_number = client.get("/organisationer/forslag?field=organisation&organisation=2120001355")
    assert "Göteborgs kommun (212000-1355)" in by_number.get_data(as_text=True)
    assert client.get("/organisationer/forslag?field=organisation&organisation=").get_data(as_text=True).strip() == ""


def _invite(client, network_id, text):
    token = csrf_token(client)
    return client.post(
        f"/natverk/{network_id}/medlemmar", data={"csrf_token": token, "organisation": text, "role": "medlem"}
    )


def test_an_organisation_is_invited_by_its_name_its_number_or_a_suggestion(app, client, auth, people, make_network):
    lund = create_organisation(app, name="Lunds kommun", org_number="2120001132", county_code="12")
    create_organisation(app, name="Lunds universitet", org_number="2021003211", kind="statlig_myndighet")
    network_id = make_network(host="other")
    auth.login("facilitator@example.org")
    page = client.get(f"/natverk/{network_id}").get_data(as_text=True)
    assert 'list="organisation-suggestions"' in page and "<datalist" in page
    assert page.count("<option") < 20  # no list of every organisation in the page

    ambiguous = _invite(client, network_id, "Lund")
    text = page_text(ambiguous.get_data(as_text=True))
    assert ambiguous.status_code == 422
    assert "Flera organisationer passar: Lunds kommun (212000-1132), Lunds universitet (202100-3211)." in text
    assert _invite(client, network_id, "lunds kommun").status_code == 303  # the exact name, any case
    assert _invite(client, network_id, "Göteborgs kommun (212000-1355)").status_code == 303  # a suggestion
    with app.app_context():
        from blueprints.core.db import db
        from blueprints.networks.models import Network

        invited = {m.organisation_id for m in db.session.get(Network, network_id).members if m.status == "inbjuden"}
        assert invited == {lund.id, people["home"].id}
    assert _invite(client, network_id, "").status_code == 422
