"""Evidence where decisions are made: "Andra som köpt detta" on a challenge (its own organisation and staff)
and on a network (with the market), and an organisation's procurement history."""

import pytest

from tests.conftest import create_organisation, page_text


@pytest.fixture
def bought(app, people, make_procurement):
    skane = create_organisation(app, name="Region Skåne", org_number="2321000255", kind="region", county_code="12")
    make_procurement(people["home"], "60130000", 2021, 4_000_000, published_on=None)
    make_procurement(people["home"], "60130000", 2020, 1_000_000)
    make_procurement(people["home"], "15894210", 2021, 7_000_000)
    make_procurement(people["other"], "60130000", 2021, 2_000_000)
    make_procurement(skane, "60112000", 2021, 10_000_000)
    return skane


def _section(html, heading):
    text = page_text(html)
    start = text.index(heading)
    return text[start : start + 900]


def test_a_challenge_shows_its_own_organisation_who_else_bought_its_branch(
    client, auth, people, bought, make_challenge
):
    challenge = make_challenge("Fossilfri skolskjuts", codes=("60130000",))
    auth.login("buyer@example.org")
    html = client.get(f"/utmaningar/{challenge}").get_data(as_text=True)
    others = _section(html, "Andra som köpt detta").replace("\u00a0", " ")
    assert "Malmö kommun Skåne län 1 2 mnkr" in others
    assert "Göteborgs kommun" not in others  # the challenge's own organisation is not "another"
    assert "Region Skåne" not in others  # group 601 but not class 6013
    assert "/statistik/" not in html  # buyers have no discovery page to be sent to


def test_staff_get_a_link_to_discovery_and_other_buyers_see_no_evidence(client, auth, people, bought, make_challenge):
    challenge = make_challenge("Fossilfri skolskjuts", codes=("60100000",))
    auth.login("facilitator@example.org")
    html = client.get(f"/utmaningar/{challenge}").get_data(as_text=True)
    assert "Region Skåne" in _section(html, "Andra som köpt detta")
    assert 'href="/statistik/?cpv=60100000"' in html
    auth.logout()
    auth.login("buyer2@example.org")  # Malmö's buyer, on Göteborg's public challenge
    other_page = client.get(f"/utmaningar/{challenge}")
    assert other_page.status_code == 200 and "Andra som köpt detta" not in other_page.get_data(as_text=True)


def test_a_network_shows_pooled_power_others_and_the_market(app, client, auth, people, bought, make_network):
    from blueprints.core.db import db
    from blueprints.networks.models import Network
    from blueprints.vocabulary.models import CpvCode

    network_id = make_network(host="home")
    with app.app_context():
        db.session.get(Network, network_id).cpv_codes = [db.session.get(CpvCode, "60100000")]
        db.session.commit()
    auth.login("facilitator@example.org")
    html = client.get(f"/natverk/{network_id}").get_data(as_text=True)
    text = page_text(html).replace("\u00a0", " ")
    # Göteborg's group-601 purchases, 2020 and 2021, over the two years held: (4 000 000 + 1 000 000) / 2.
    assert "Samlad köpkraft per år 2,5 mnkr" in text
    assert 'title="2 500 000 kr"' in html.replace("\u00a0", " ")  # the exact figure on hover
    assert "Så räknas samlad köpkraft" in text and "aldrig med hela sin budget" in text
    others = _section(html, "Andra som köpt detta")
    assert "Region Skåne" in others and "Malmö kommun" in others and "Göteborgs kommun" not in others
    assert "Marknaden i nätverkets CPV-grenar" in text


def test_an_organisation_page_shows_its_procurement_history(client, auth, people, bought):
    auth.login("facilitator@example.org")
    html = client.get(f"/organisationer/{people['home'].id}").get_data(as_text=True)
    history = _section(html, "Upphandlingar enligt statistiken").replace("\u00a0", " ")
    assert "Statistikdatabasen har 3 annonserade upphandlingar av organisationen." in history
    assert "2020 1 1 000 000 kr 1" in history and "2021 2 11 000 000 kr 2" in history
    assert "60 Transporter (utom avfallstransport) 2 5 000 000 kr" in history
    assert 'id="chart-history-years-title"' in html
    without = client.get(f"/organisationer/{bought.id}").get_data(as_text=True)
    assert "Statistikdatabasen har 1 annonserad upphandling av organisationen." in page_text(without)


def test_others_are_those_who_bought_in_the_statistics_last_three_years(
    app, client, auth, people, bought, make_challenge, make_procurement
):
    long_ago = create_organisation(app, name="Ystads kommun", org_number="2120001199", county_code="12")
    make_procurement(long_ago, "60130000", 2018, 90_000_000)  # the window is 2019-2021
    challenge = make_challenge("Fossilfri skolskjuts", codes=("60130000",))
    auth.login("facilitator@example.org")
    others = _section(client.get(f"/utmaningar/{challenge}").get_data(as_text=True), "Andra som köpt detta")
    assert "Malmö kommun" in others and "Ystads kommun" not in others
