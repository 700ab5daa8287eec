"""The organisation registry: active search (full page and partial), filters, detail, create and edit."""

import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.organisations.models import Organisation
from tests.conftest import csrf_token

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


def _seed(make_organisation):
    make_organisation(name="Östersunds kommun", org_number="2120002411", county_code="23", municipality_code="2380")
    make_organisation(name="Älvsbyns kommun", org_number="2120002726", county_code="25")
    make_organisation(name="Region Skåne", org_number="2321000255", kind="region", county_code="12")
    make_organisation(name="Ale kommun", org_number="2120001439", county_code="14")


def test_full_page_lists_in_swedish_order(client, auth, people, make_organisation):
    _seed(make_organisation)
    auth.login("facilitator@example.org")
    response = client.get("/organisationer/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request-Type" in response.headers["Vary"]
    names = ["Ale kommun", "Göteborgs kommun", "Malmö kommun", "Region Skåne", "Älvsbyns kommun", "Östersunds kommun"]
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions)
    assert "<html" in html and "6 träffar" in html


def test_partial_returns_only_the_results(client, auth, people, make_organisation):
    _seed(make_organisation)
    auth.login("facilitator@example.org")
    response = client.get("/organisationer/?q=kommun", headers=PARTIAL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert "Ale kommun" in html and "Region Skåne" not in html
    assert 'hx-swap-oob="innerHTML:#result-count"' in html and "5 träffar" in html


def test_search_is_swedish_aware_and_finds_numbers(client, auth, people, make_organisation):
    _seed(make_organisation)
    auth.login("manager@example.org")
    for query, expected in [
        ("östersund", "Östersunds kommun"),
        ("ÄLVSBY", "Älvsbyns kommun"),
        ("212000-1355", "Göteborgs kommun"),
        ("2321000255", "Region Skåne"),
        ("skåne region", "Region Skåne"),
    ]:
        html = client.get("/organisationer/", query_string={"q": query}, headers=PARTIAL).get_data(as_text=True)
        assert expected in html, query
        assert "1 träff" in html, query


def test_search_input_with_wildcards_is_literal(client, auth, people):
    auth.login("manager@example.org")
    html = client.get("/organisationer/?q=%25", headers=PARTIAL).get_data(as_text=True)
    assert "Inga träffar" in html


def test_filters_and_pagination_live_in_the_url(client, auth, people, make_organisation):
    for n in range(30):
        make_organisation(
            name=f"Testbolag {n:02d}", org_number=_valid_number(n), kind="kommunalt_bolag", county_code="01"
        )
    auth.login("facilitator@example.org")
    first = client.get("/organisationer/?kind=kommunalt_bolag").get_data(as_text=True)
    assert "30 träffar" in first and "Testbolag 24" in first and "Testbolag 25" not in first
    assert 'href="/organisationer/?kind=kommunalt_bolag&amp;page=2"' in first
    second = client.get("/organisationer/?kind=kommunalt_bolag&page=2").get_data(as_text=True)
    assert "Testbolag 25" in second and "Testbolag 24" not in second
    assert "selected>Kommunalt bolag" in second
    county = client.get("/organisationer/?county=12").get_data(as_text=True)
    assert "Malmö kommun" in county and "Göteborgs kommun" not in county


def test_bad_filter_values_are_ignored_not_errors(client, auth, people):
    auth.login("facilitator@example.org")
    assert client.get("/organisationer/?kind=x&county=99&page=abc").status_code == 200


def _valid_number(n: int) -> str:
    from stdnum.se import orgnr

    base = f"556{n:06d}"
    for digit in range(10):
        if orgnr.is_valid(base + str(digit)):
            return base + str(digit)
    raise AssertionError


def _post_org(client, path="/organisationer/ny", **fields):
    data = {
        "csrf_token": csrf_token(client),
        "name": "Lunds kommun",
        "org_number": "212000-1132",
        "kind": "kommun",
        "county_code": "12",
        "municipality_code": "1281",
        "annual_volume": "1 250 000",
        **fields,
    }
    return client.post(path, data=data)


def test_create_stores_normalised_number_and_volume(app, client, auth, people):
    auth.login("facilitator@example.org")
    response = _post_org(client)
    assert response.status_code == 303
    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Lunds kommun"))
        assert org.org_number == "2120001132"
        assert org.annual_volume_sek == 1_250_000
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "212000-1132" in page and "1\u00a0250\u00a0000\u00a0kr" in page


def test_invalid_input_gives_422_with_messages_next_to_fields(app, client, auth, people):
    auth.login("admin@example.org")
    response = _post_org(client, name="", org_number="212000-1133", county_code="", annual_volume="en miljon")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Uppgifterna behöver rättas" in html
    assert "Organisationsnumret är inte giltigt" in html
    assert "Välj ett län." in html
    assert "Skriv volymen som ett heltal i kronor" in html
    assert 'aria-invalid="true"' in html and 'id="org_number-error"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 2


def test_duplicate_org_number_is_refused(client, auth, people):
    auth.login("admin@example.org")
    response = _post_org(client, org_number="2120001355")
    assert response.status_code == 422
    assert "Organisationsnumret finns redan i registret (Göteborgs kommun)." in response.get_data(as_text=True)


def test_municipality_code_must_match_county(client, auth, people):
    auth.login("admin@example.org")
    response = _post_org(client, municipality_code="0180")
    assert response.status_code == 422
    assert "Kommunkoden hör inte till det valda länet." in response.get_data(as_text=True)


def test_edit(app, client, auth, people):
    auth.login("facilitator@example.org")
    org_id = people["home"].id
    form = client.get(f"/organisationer/{org_id}/redigera").get_data(as_text=True)
    assert 'value="212000-1355"' in form
    response = _post_org(
        client,
        f"/organisationer/{org_id}/redigera",
        name="Göteborgs Stad",
        org_number="2120001355",
        county_code="14",
        municipality_code="1480",
        annual_volume="",
    )
    assert response.status_code == 303
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        assert org.name == "Göteborgs Stad" and org.annual_volume_sek is None


def test_detail_lists_users(client, auth, people):
    auth.login("facilitator@example.org")
    html = client.get(f"/organisationer/{people['home'].id}").get_data(as_text=True)
    assert "Bengt Beställare" in html and "buyer@example.org" in html and "Britta" not in html


def test_buyer_sees_own_organisation_but_not_others(client, auth, people):
    auth.login("buyer@example.org")
    assert client.get(f"/organisationer/{people['home'].id}").status_code == 200
    assert client.get(f"/organisationer/{people['other'].id}").status_code == 404
    assert client.get("/organisationer/").status_code == 403


def test_manager_reads_but_cannot_edit(client, auth, people):
    auth.login("manager@example.org")
    assert client.get("/organisationer/").status_code == 200
    assert client.get("/organisationer/ny").status_code == 403
    assert _post_org(client, f"/organisationer/{people['home'].id}/redigera").status_code in (400, 403)


def test_a_long_list_is_counted_up_to_a_limit_and_said_to_be_longer(
    client, auth, people, make_organisation, monkeypatch
):
    import blueprints.core.db

    _seed(make_organisation)
    monkeypatch.setattr(blueprints.core.db, "COUNTED_EXACTLY", 4)  # instead of 10 000: six organisations are many
    auth.login("facilitator@example.org")
    html = client.get("/organisationer/").get_data(as_text=True)
    assert "Över 4 träffar" in html and "6 träffar" not in html
    assert "Ale kommun" in html  # the page itself is whole
    partial = client.get("/organisationer/?q=kommun", headers=PARTIAL).get_data(as_text=True)
    assert "Över 4 träffar" in partial
    exact = client.get("/organisationer/?q=region").get_data(as_text=True)
    assert "1 träff" in exact and "Över 4" not in exact
