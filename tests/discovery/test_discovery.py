"""Hitta nätverk i statistiken: who bought a branch (a CPV code, a need area's codes, words in the titles),
narrowed by years, län, kind, procedure and flags; the map, the years, the market; the files; the API; and a
new network or an invitation from the organisations chosen."""

import csv
import io
import json

import openpyxl
import pytest
import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.networks.models import Network
from blueprints.vocabulary.models import CpvCode, NeedArea
from tests.conftest import create_organisation, csrf_token, page_text

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def bought(app, people, make_procurement):
    """Göteborg and Malmö bought school transport (class 6013), Region Skåne other road transport (group 601),
    the police meals. Returns the organisations by name."""
    home, other = people["home"], people["other"]
    skane = create_organisation(app, name="Region Skåne", org_number="2321000255", kind="region", county_code="12")
    police = create_organisation(
        app, name="Polismyndigheten", org_number="2021000076", kind="statlig_myndighet", county_code=None
    )
    make_procurement(home, "60130000", 2021, 4_000_000, title="Skolskjuts Hisingen", is_coordinated=True)
    make_procurement(home, "60130000", 2020, 1_000_000, title="Skolskjuts centrum")
    make_procurement(other, "60130000", 2021, 2_000_000, title="Skolskjutsar med elbuss", is_environmental=True)
    make_procurement(skane, "60112000", 2021, 10_000_000, title="Sjukresor", procedure="Förenklat förfarande")
    make_procurement(police, "15894210", 2021, 3_000_000, title="Måltider")
    return {"Göteborg": home, "Malmö": other, "Skåne": skane, "Polisen": police}


def _names(client, query):
    response = client.get(f"/statistik/?{query}", headers=PARTIAL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return [name for name in ("Region Skåne", "Göteborgs kommun", "Malmö kommun", "Polismyndigheten") if
            f">{name}</a>" in html], page_text(html)  # fmt: skip


def test_staff_see_who_bought_a_branch_with_counts_values_and_where(client, auth, people, bought):
    auth.login("facilitator@example.org")
    page = client.get("/statistik/?cpv=60100000")
    html = page.get_data(as_text=True)
    text = page_text(html)
    assert page.status_code == 200 and "<h1>Hitta nätverk i statistiken</h1>" in html
    assert "3 organisationer, 4 upphandlingar, kontrakterat värde 17 000 000 kr." in text.replace("\u00a0", " ")
    # Largest value first: Region Skåne, Göteborg (two procurements), Malmö.
    assert html.index(">Region Skåne</a>") < html.index(">Göteborgs kommun</a>") < html.index(">Malmö kommun</a>")
    assert "Polismyndigheten" not in html
    assert "Västra Götalands län" in text and "Skåne län" in text
    assert 'id="map-discovery-map-title"' in html and 'id="chart-discovery-years-title"' in html
    assert "Vilken konkurrens ger marknaden?" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cpv=60130000", ["Göteborgs kommun", "Malmö kommun"]),
        ("cpv=60100000&county=12", ["Region Skåne", "Malmö kommun"]),
        ("cpv=60100000&kind=kommun", ["Göteborgs kommun", "Malmö kommun"]),
        ("cpv=60100000&year_from=2021&year_to=2021", ["Region Skåne", "Göteborgs kommun", "Malmö kommun"]),
        ("cpv=60100000&year_to=2020", ["Göteborgs kommun"]),
        ("cpv=60100000&flag=samordnad", ["Göteborgs kommun"]),
        ("cpv=60100000&flag=miljo", ["Malmö kommun"]),
        ("cpv=60100000&procedure=F%C3%B6renklat+f%C3%B6rfarande", ["Region Skåne"]),
        ("q=skolskjuts", ["Göteborgs kommun", "Malmö kommun"]),
        ("q=elbuss", ["Malmö kommun"]),
        ("q=m%C3%A5ltider", ["Polismyndigheten"]),
        ("cpv=60100000+15800000", ["Region Skåne", "Göteborgs kommun", "Polismyndigheten", "Malmö kommun"]),
    ],
)
def test_the_result_narrows_by_what_is_asked(client, auth, people, bought, query, expected):
    auth.login("facilitator@example.org")
    names, _text = _names(client, query)
    assert sorted(names) == sorted(expected)


def test_a_need_area_asks_for_its_cpv_branches(app, client, auth, people, bought):
    with app.app_context():
        area = NeedArea(name="Fossilfria transporter", cpv_codes=[db.session.get(CpvCode, "60130000")])
        db.session.add(area)
        db.session.commit()
        area_id = area.id
    auth.login("manager@example.org")
    names, text = _names(client, f"need_area={area_id}")
    assert sorted(names) == ["Göteborgs kommun", "Malmö kommun"]
    assert "60130000" in text


def test_the_result_pages_and_sorts(client, auth, people, bought):
    auth.login("facilitator@example.org")
    by_count = client.get("/statistik/?cpv=60100000&sort=procurements", headers=PARTIAL).get_data(as_text=True)
    assert by_count.index(">Göteborgs kommun</a>") < by_count.index(">Region Skåne</a>")
    by_name = client.get("/statistik/?cpv=60100000&sort=name", headers=PARTIAL).get_data(as_text=True)
    assert by_name.index(">Göteborgs kommun</a>") < by_name.index(">Malmö kommun</a>") < by_name.index(">Region")
    beyond = client.get("/statistik/?cpv=60100000&page=9", headers=PARTIAL)
    assert beyond.status_code == 200


def test_a_bad_link_never_fails(client, auth, people, bought):
    auth.login("facilitator@example.org")
    for query in ("cpv=abc", "year_from=x&cpv=60100000", "county=99&cpv=60100000", "page=-1&cpv=6", "flag=x&q=%01"):
        assert client.get(f"/statistik/?{query}").status_code == 200
    nul = client.get("/statistik/?flag=x&q=%00")  # no field takes a NUL byte: refused at the door, with a reason
    assert nul.status_code == 400 and "otillåtet tecken (NUL)" in nul.get_data(as_text=True)
    empty = page_text(client.get("/statistik/").get_data(as_text=True))
    assert "Välj en CPV-kod, ett behovsområde eller skriv ord ur titlarna" in empty


def test_the_result_shows_networks_and_challenges_already_there(
    app, client, auth, people, bought, make_network, make_challenge
):
    network_id = make_network(name="Skolskjutsnätverket", host="home")
    make_challenge("Fossilfri skolskjuts", organisation="other")
    auth.login("facilitator@example.org")
    html = client.get("/statistik/?cpv=60130000", headers=PARTIAL).get_data(as_text=True)
    assert f'href="/natverk/{network_id}">Skolskjutsnätverket</a>' in html
    assert "har en utmaning" in html


def test_the_result_as_csv_and_xlsx(client, auth, people, bought):
    auth.login("manager@example.org")
    response = client.get("/statistik/export.csv?cpv=60100000&county=12")
    assert response.status_code == 200 and "hitta-natverk.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header = ["Organisation", "Organisationsnummer", "Län", "Typ", "Upphandlingar", "Kontrakterat värde (kr)"]
    assert rows[0][:6] == header
    assert rows[1][:6] == ["Region Skåne", "232100-0255", "Skåne län", "Region", "1", "10000000"]
    assert len(rows) == 3
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/statistik/export.xlsx?cpv=60100000").data))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][0] == "Region Skåne" and values[1][5] == 10_000_000  # a number, not text
    assert client.get("/statistik/export.csv").status_code == 404  # nothing asked: no file


def test_the_api_answers_in_the_documented_shape(app, client, auth, people, bought, make_network):
    network_id = make_network(host="home")
    auth.login("facilitator@example.org")
    response = client.get("/api/v1/discovery?cpv=60130000&from=2021&to=2021&k=50")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["query"]["cpv"] == ["60130000"] and (body["query"]["from"], body["query"]["to"]) == (2021, 2021)
    assert body["total_value_sek"] == 6_000_000
    first, second = body["organisations"]
    assert first == {
        "id": people["home"].id,
        "name": "Göteborgs kommun",
        "org_number": "212000-1355",
        "county": "14",
        "procurements": 1,
        "contracted_value_sek": 4_000_000,
        "latest": None,
        "coordinated": 1,
        "in_networks": [network_id],
    }
    assert second["name"] == "Malmö kommun" and second["in_networks"] == []
    assert set(body["market"]) >= {"lots", "tenders_per_lot", "single_tender_share", "suppliers"}
    assert len(client.get("/api/v1/discovery?cpv=60100000&k=1").get_json()["organisations"]) == 1


def test_the_api_refuses_a_question_it_cannot_answer(client, auth, people):
    auth.login("facilitator@example.org")
    nothing = client.get("/api/v1/discovery")
    assert nothing.status_code == 400 and "Ange cpv" in json.dumps(nothing.get_json(), ensure_ascii=False)
    assert client.get("/api/v1/discovery?cpv=60130000&k=0").status_code == 400
    assert client.get("/api/v1/discovery?cpv=60130000&k=9999").status_code == 400
    auth.logout()
    auth.login("buyer@example.org")
    assert client.get("/api/v1/discovery?cpv=60130000").status_code == 403
    assert client.get("/statistik/?cpv=60130000").status_code == 403


def test_a_new_network_from_the_organisations_chosen(app, client, auth, people, bought):
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    response = client.post(
        "/statistik/nytt-natverk",
        data={
            "csrf_token": token,
            "organisation": [str(people["home"].id), str(people["other"].id)],
            "cpv": "60130000",
        },
    )
    assert response.status_code == 303
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="60130000"' in form
    assert f'<option selected value="{people["home"].id}">Göteborgs kommun</option>' in form
    assert "Malmö kommun" in page_text(form)
    nothing = client.post("/statistik/nytt-natverk", data={"csrf_token": token})
    assert nothing.status_code == 303 and nothing.headers["Location"] == "/statistik/"


def test_the_organisations_chosen_are_invited_to_a_network(app, client, auth, people, bought, make_network):
    network_id = make_network(host="home")
    auth.login("facilitator@example.org")
    token = csrf_token(client)
    response = client.post(
        "/statistik/bjud-in",
        data={
            "csrf_token": token,
            "organisation": [str(bought["Skåne"].id), str(bought["Malmö"].id)],
            "network": str(network_id),
            "back": "/statistik/?cpv=60100000",
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/natverk/{network_id}#medlemmar"
    with app.app_context():
        network = db.session.get(Network, network_id)
        assert {m.organisation.name: m.status for m in network.members} == {
            "Göteborgs kommun": "aktiv",
            "Region Skåne": "inbjuden",
            "Malmö kommun": "inbjuden",
        }
    assert "2 organisationer är inbjudna." in page_text(client.get(f"/natverk/{network_id}").get_data(as_text=True))
    again = client.post(
        "/statistik/bjud-in",
        data={"csrf_token": token, "organisation": [str(bought["Skåne"].id)], "network": str(network_id),
              "back": "/statistik/?cpv=60100000"},
    )  # fmt: skip
    assert again.status_code == 303 and again.headers["Location"] == "/statistik/?cpv=60100000"
    assert "redan med i nätverket eller inbjudna" in client.get("/statistik/?cpv=60100000").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Network)) == 1
