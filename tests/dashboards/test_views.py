"""The dashboard as people use it: who may see it, full pages and htmx partials, bad filters, the exports
read back as files, the printable report, and the start pages by role."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from tests.conftest import csrf_token
from tests.dashboards.conftest import YEAR_2025

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}
YEAR_ARGS = "period=egen&start=2025-01-01&end=2025-12-31"


@pytest.mark.parametrize(
    "path", ["/oversikt/", "/oversikt/rapport", "/oversikt/export/alla.xlsx", "/oversikt/export/per-manad.csv"]
)
def test_buyers_are_refused(client, auth, people, path):
    auth.login("buyer@example.org")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("email", ["manager@example.org", "admin@example.org", "facilitator@example.org"])
def test_staff_read_the_dashboard(client, auth, reporting, email):
    auth.login(email)
    page = client.get(YEAR_2025).get_data(as_text=True)
    assert "1 januari 2025–31 december 2025" in page
    assert "<form" in page and 'method="get"' in page  # only the filter: nothing on it changes anything
    assert 'method="post"' not in page.split('id="results"')[1].split("</main>")[0]


def test_full_page_and_partial(client, auth, reporting):
    auth.login("manager@example.org")
    full = client.get(YEAR_2025)
    assert full.status_code == 200
    assert "Vary" in full.headers and "HX-Request-Type" in full.headers["Vary"]
    text = full.get_data(as_text=True)
    assert "<html" in text and 'id="results"' in text and "71,4\u00a0%" in text
    partial = client.get(YEAR_2025 + "&county=14", headers=PARTIAL)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200
    assert "<html" not in body and 'name="county"' not in body  # only the widgets, not the form
    assert "Västra Götalands län" in body and "66,7\u00a0%" in body  # the share without Malmö's request
    assert 'hx-swap-oob="innerHTML:#dashboard-status"' in body


def test_every_widget_and_definition_is_on_the_page(client, auth, reporting):
    auth.login("manager@example.org")
    text = client.get(YEAR_2025).get_data(as_text=True)
    for heading in (
        "Förfrågningar och sessioner per månad",
        "Sessioner per stödform",
        "Beläggning per facilitator",
        "Nätverk per fas vid periodens slut",
        "Organisationer nådda för första gången, per län",
        "Utmaningar per behovsområde",
        "Utmaningar per län",
        "Utmaningar per organisationstyp",
    ):
        assert f"<caption>{heading}</caption>" in text
    assert text.count("<svg") == 8  # every table above has its chart
    assert text.count('<details class="definition">') == 18
    assert "4\u00a0500\u00a0000\u00a0kr" in text  # pooled purchasing power per year, Swedish format
    assert "Fredrik Facilitator" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=egen&start=2025-13-01&end=2025-12-31", "Ange både från- och till-datum"),
        ("period=egen&start=9999-01-01&end=9999-12-31", "Ange både från- och till-datum"),
        ("period=egen&start=2025-01-01&end=0001-01-01", "Ange både från- och till-datum"),
        ("period=egen&start=2025-06-01&end=2025-01-01", "Från-datumet måste vara samma dag som eller före"),
        ("period=egen&start=2010-01-01&end=2025-12-31", "högst fem år"),
        ("county=99", "Okänt län."),
        ("need_area=999999", "Okänt behovsområde."),
        ("need_area=99999999999999", "Okänt behovsområde."),
        ("org_kind=bolag", "Okänd organisationstyp."),
        ("period=decennium", "Okänd period."),
    ],
)
def test_bad_filters_get_a_swedish_message_and_400(client, auth, reporting, query, message):
    auth.login("manager@example.org")
    response = client.get(f"/oversikt/?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "Senaste 12 månaderna" in response.get_data(as_text=True)  # shown for the default period instead
    assert client.get(f"/oversikt/export/alla.xlsx?{query}").status_code == 400


def test_unknown_export_is_404(client, auth, reporting):
    auth.login("manager@example.org")
    assert client.get("/oversikt/export/hemligt.csv").status_code == 404
    assert client.get("/oversikt/export/alla.csv").status_code == 404  # all tables only as a workbook


def test_xlsx_has_a_typed_sheet_per_table(client, auth, reporting):
    auth.login("manager@example.org")
    response = client.get(f"/oversikt/export/alla.xlsx?{YEAR_ARGS}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "kopkraft-alla-2025-01-01-2025-12-31.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[0] == "Nyckeltal"
    assert len(workbook.sheetnames) == 9
    months = workbook["Förfrågningar och sessioner per"]  # Excel allows 31 characters
    assert [c.value for c in months[1]] == [
        "Månad",
        "Nya förfrågningar",
        "Genomförda sessioner",
        "Uteblivna",
        "Avbokade",
    ]
    march = months[4]
    assert isinstance(march[0].value, datetime) and march[0].value.date() == date(2025, 3, 1)
    assert march[0].number_format == "yyyy-mm"
    assert [c.value for c in march[1:]] == [1, 2, 0, 0]
    key_figures = {row[0].value: row for row in workbook["Nyckeltal"].iter_rows(min_row=2)}
    share = key_figures["Besvarade inom 5 arbetsdagar"]
    assert share[1].value == "procent" and share[2].value == pytest.approx(71.4)
    assert key_figures["Samlad köpkraft per år (kr)"][2].value == 4_500_000
    assert key_figures["Nya förfrågningar"][4].value == 6  # change against 2024
    utilisation = workbook["Beläggning per facilitator"]
    assert utilisation["A2"].value == "Fredrik Facilitator"
    assert utilisation["D2"].number_format == "0.0%" and isinstance(utilisation["D2"].value, float)


def test_csv_reads_back_with_swedish_headers_and_decimal_comma(client, auth, reporting):
    auth.login("manager@example.org")
    response = client.get(f"/oversikt/export/utmaningar-per-behovsomrade.csv?{YEAR_ARGS}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Behovsområde", "Inskickade", "Granskade", "Matchade"]
    assert ["Fossilfria transporter", "1", "2", "1"] in rows
    key_figures = list(
        csv.reader(
            io.StringIO(client.get(f"/oversikt/export/nyckeltal.csv?{YEAR_ARGS}").data.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    share = next(row for row in key_figures if row[0] == "Besvarade inom 5 arbetsdagar")
    assert share[1:5] == ["procent", "71,4", "100,0", "-28,6"]


def test_utilisation_of_one_week(client, auth, reporting):
    # 10–16 March 2025: Monday to Friday 08–17 is 45 hours; sessions of 2 and 1 hours were held.
    auth.login("manager@example.org")
    response = client.get("/oversikt/export/belaggning.xlsx?period=egen&start=2025-03-10&end=2025-03-16")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[2]] == ["Fredrik Facilitator", 45, 3, pytest.approx(3 / 45)]


def test_printable_report(client, auth, reporting):
    auth.login("manager@example.org")
    response = client.get(f"/oversikt/rapport?{YEAR_ARGS}&county=14")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Underlag för återrapportering</h1>" in text
    assert "Avgränsning: Västra Götalands län." in text
    assert "Jämförelseperiod: 1 januari 2024–31 december 2024." in text
    assert text.count("<dt>") == 18  # every key figure's definition
    assert text.count("<svg") == 8
    assert "data-print" in text


def test_start_pages_by_role(client, auth, reporting, people):
    auth.login("facilitator@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "Min kö" in page and "2 förfrågningar väntar på beslut" in page  # the two never answered
    assert "Att följa upp" in page
    auth.logout()
    auth.login("buyer@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "Er organisations utmaningar" in page and ">C4</a>" in page and ">C1</a>" in page  # drafts too
    assert "Era stödförfrågningar" in page and "UM 2026/0009" in page  # newest first
    assert "Kommande sessioner" in page
    assert "Min kö" not in page


def test_without_javascript_a_filtered_url_is_a_whole_page(client, auth, reporting):
    auth.login("manager@example.org")
    response = client.get(YEAR_2025 + "&county=14")  # what the GET form sends without htmx
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in text
    assert '<option value="14" selected>' in text  # the form shows what is chosen
    assert "66,7\u00a0%" in text and "Västra Götalands län." in text


def test_dashboard_and_exports_in_english(client, auth, reporting):
    auth.login("manager@example.org")
    client.post("/sprak", data={"language": "en", "csrf_token": csrf_token(client), "next": "/"})
    text = client.get(YEAR_2025).get_data(as_text=True)
    assert "Answered within 5 working days" in text and "71.4\u00a0%" in text
    assert "Challenges submitted, reviewed and matched to a network during the period, by need area." in text
    workbook = load_workbook(io.BytesIO(client.get(f"/oversikt/export/alla.xlsx?{YEAR_ARGS}").data))
    assert workbook.sheetnames[0] == "Key figures"


def test_buyers_start_page_shows_only_their_organisation(client, auth, reporting):
    auth.login("buyer2@example.org")  # Malmö
    page = client.get("/").get_data(as_text=True)
    # Link texts, not bare substrings ("C1" can turn up in a random CSRF token).
    assert "Förfrågan 6</a>" in page and ">C2</a>" in page
    assert "Förfrågan 1</a>" not in page and ">C1</a>" not in page
    assert "Min kö" not in page


def test_every_table_has_its_downloads_in_the_default_view_too(client, auth, reporting):
    auth.login("manager@example.org")
    default = client.get("/oversikt/").get_data(as_text=True)
    filtered = client.get(YEAR_2025).get_data(as_text=True)
    per_table = default.count('<p class="downloads">')
    assert per_table == filtered.count('<p class="downloads">') and per_table >= 8
    assert default.count("/oversikt/export/") == filtered.count("/oversikt/export/")


def test_sections_are_linked_at_the_top_and_empty_categories_fold_away(client, auth, reporting):
    auth.login("manager@example.org")
    html = client.get(YEAR_2025).get_data(as_text=True)
    nav = html.split('aria-label="Avsnitt i översikten"')[1].split("</nav>")[0]
    sections = re.findall(r'<section class="dashboard__section" aria-labelledby="(section-[^"]+)"', html)
    assert sections and all(f'href="#{key}"' in nav for key in sections)
    table = html.split('id="tabell-')[1:]
    by_county = next(t for t in table if "Utmaningar per län" in t.split("</caption>")[0])
    body, _sep, after = by_county.partition("</table>")
    folded = after.split('<details class="zero-rows">')[1].split("</details>")[0]
    assert "rader utan värden under perioden" in folded and "Blekinge län" in folded
    assert "Blekinge län" not in body  # not a row of zeros in the table
    assert "Västra Götalands län" in body or "Skåne län" in body
