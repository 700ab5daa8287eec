"""Bulk import from CSV and XLSX: preview by row, all-or-nothing, new organisations, no duplicates, the CLI."""

import io
import re
import time
import zipfile
from datetime import timedelta

import openpyxl
import sqlalchemy as sa

from blueprints.challenges import imports
from blueprints.challenges.models import Challenge, ChallengeImport
from blueprints.core import spreadsheets
from blueprints.core.db import db, utcnow
from blueprints.organisations.models import Organisation
from tests.conftest import csrf_token

HEADER = "titel,beskrivning,organisationsnummer,organisation,cpv,behovsområde\n"
GOOD_ROWS = (
    "Fossilfri skolskjuts,Elbussar på landsbygden,212000-1355,Göteborgs kommun,60130000 34144910,"
    "Fossilfria transporter\n"
    "Skolmat,Mer närproducerat,2120001132,Lunds kommun,15894210;55524000,\n"
    'Städning av förskolor,"Städ, fönsterputs",2120002627,Umeå kommun,"90919300, 90911200-8",\n'
)


def _upload(client, content: bytes, filename="utmaningar.csv"):
    token = csrf_token(client)
    return client.post(
        "/utmaningar/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _confirm(client, html):
    action = re.search(r'action="(/utmaningar/import/\d+)"', html).group(1)
    return client.post(action, data={"csrf_token": csrf_token(client)})


def _count(app, model=Challenge):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_good_csv_preview_then_import(app, client, auth, people, areas):
    auth.login("facilitator@example.org")
    preview = _upload(client, (HEADER + GOOD_ROWS).encode())
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Alla 3 rader kan importeras: 3 nya utmaningar" in html
    assert _count(app) == 0  # nothing stored before confirmation
    response = _confirm(client, html)
    assert response.status_code == 303
    assert _count(app) == 3
    with app.app_context():
        lund = db.session.scalar(sa.select(Organisation).where(Organisation.org_number == "2120001132"))
        assert lund.name == "Lunds kommun" and lund.kind == "kommun" and lund.county_code is None
        cleaning = db.session.scalar(sa.select(Challenge).where(Challenge.title == "Städning av förskolor"))
        assert sorted(c.code for c in cleaning.cpv_codes) == ["90911200", "90919300"]
        school_bus = db.session.scalar(sa.select(Challenge).where(Challenge.title == "Fossilfri skolskjuts"))
        assert school_bus.need_area.name == "Fossilfria transporter" and school_bus.status == "submitted"
    # The import is searchable right away.
    assert "Fossilfri skolskjuts" in client.get("/utmaningar/?q=passagerartransport").get_data(as_text=True)


def test_a_large_file_is_imported_by_the_worker_and_followed_on_its_page(app, client, auth, people, areas):
    from tests.conftest import page_text, run_jobs

    rows = "".join(f"Behov nummer {n},Beskrivning {n},2120001355,Göteborgs kommun,60130000,\n" for n in range(3000))
    content = (HEADER + rows).encode()
    assert len(content) > imports.IN_REQUEST_BYTES
    auth.login("facilitator@example.org")
    response = _confirm(client, _upload(client, content).get_data(as_text=True))
    assert response.status_code == 303 and re.fullmatch(r"/jobb/\d+", response.headers["Location"])
    assert _count(app) == 0  # nothing is imported inside the request
    job_page = page_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Import av utmaningar" in job_page and "I kö" in job_page
    assert run_jobs(app) == 1
    assert _count(app) == 3000
    done = page_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "3 000 utmaningar är importerade; 0 fanns redan." in done and "Till utmaningarna" in done


def test_reimport_adds_no_duplicates(app, client, auth, people, areas):
    auth.login("facilitator@example.org")
    _confirm(client, _upload(client, (HEADER + GOOD_ROWS).encode()).get_data(as_text=True))
    again = _upload(client, (HEADER + GOOD_ROWS + GOOD_ROWS.splitlines()[0] + "\n").encode())
    html = again.get_data(as_text=True)
    assert "0 nya utmaningar, 4 finns redan" in html
    _confirm(client, html)
    assert _count(app) == 3


def test_file_with_errors_shows_each_row_and_stores_nothing(app, client, auth, people, areas):
    bad = (
        HEADER
        + GOOD_ROWS
        + ",Ingen titel,2120001355,Göteborgs kommun,60130000,\n"
        + "Fel nummer,Text,212000-1356,Någon kommun,60130000,\n"
        + "Fel kod,Text,2120001355,Göteborgs kommun,6013000 99999999,\n"
        + "Okänt område,Text,2120001355,Göteborgs kommun,60130000,Rymdfart\n"
        + "Ny utan namn,Text,2120002742,,60130000,\n"
    )
    auth.login("facilitator@example.org")
    response = _upload(client, bad.encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "5 rader har fel; inget har sparats" in html
    for row, problem in [
        (5, "titel saknas"),
        (6, "organisationsnumret 212000-1356 är inte giltigt"),
        (7, "6013000 är ingen giltig CPV-kod"),
        (7, "CPV-koden 99999999 finns inte"),
        (8, "behovsområdet Rymdfart finns inte"),
        (9, "organisation saknas"),
    ]:
        assert re.search(rf"<td>{row}</td>.*?{re.escape(problem)}", html, re.S), (row, problem)
    assert "Importera" not in html.split("Rader med fel")[1].split("</table>")[0]
    assert _count(app, ChallengeImport) == 0  # a file nobody can import is not kept either
    assert _count(app) == 0 and _count(app, Organisation) == 2


def test_wrong_header_and_unreadable_files(client, auth, people):
    auth.login("facilitator@example.org")
    wrong = _upload(client, b"title,description\nx,y\n")
    assert wrong.status_code == 422 and "Första raden ska vara" in wrong.get_data(as_text=True)
    garbage = _upload(client, b"PK\x03\x04not really a zip", "fil.xlsx")
    assert garbage.status_code == 422 and "kunde inte läsas som XLSX" in garbage.get_data(as_text=True)
    latin1 = _upload(client, (HEADER + "Åtgärd,x,2120001355,G,60130000,\n").encode("latin-1"))
    assert latin1.status_code == 422 and "UTF-8" in latin1.get_data(as_text=True)
    missing = client.post(
        "/utmaningar/import", data={"csrf_token": csrf_token(client)}, content_type="multipart/form-data"
    )
    assert missing.status_code == 422 and "Välj en fil." in missing.get_data(as_text=True)


def test_xlsx_and_semicolon_csv(app, client, auth, people, areas):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Elbussar", "Tio bussar", 2120000837, "Malmö kommun", "34144910-0", None])
    buffer = io.BytesIO()
    book.save(buffer)
    auth.login("admin@example.org")
    html = _upload(client, buffer.getvalue(), "lista.xlsx").get_data(as_text=True)
    assert "1 nya utmaningar" in html
    _confirm(client, html)
    semicolons = HEADER.replace(",", ";") + "Solceller;Tak;2120001355;Göteborgs kommun;09331200;\n"
    _confirm(client, _upload(client, semicolons.encode("utf-8-sig")).get_data(as_text=True))
    assert _count(app) == 2


def test_cli_import_and_a_20000_row_file(app, people, areas, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + ",saknar titel,2120001355,G,60130000,\n", encoding="utf-8")
    result = runner.invoke(args=["challenges", "import", str(bad)])
    assert result.exit_code == 1 and "rad 2: titel saknas" in result.output
    big = tmp_path / "big.csv"
    lines = [HEADER]
    for n in range(20_000):
        organisation = ("2120001355", "Göteborgs kommun") if n % 2 else ("2120000837", "Malmö kommun")
        lines.append(f"Behov nummer {n},Beskrivning {n},{organisation[0]},{organisation[1]},60130000 34144910,\n")
    big.write_text("".join(lines), encoding="utf-8")
    started = time.perf_counter()
    result = runner.invoke(args=["challenges", "import", str(big)])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "20000 utmaningar importerade" in result.output
    print(f"20,000-row import took {elapsed:.1f} s")  # reported, not asserted (shared machines)
    assert _count(app) == 20_000
    again = runner.invoke(args=["challenges", "import", str(big)])
    assert "0 utmaningar importerade, 20000 fanns redan" in again.output


def _workbook(sheet_xml: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal XLSX package around one worksheet's XML, as a spreadsheet program writes it."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _sheet(rows: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def test_a_small_workbook_with_too_many_rows_is_refused_without_reading_it_all(app, client, auth, people, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 1_000)  # the same rule as at 50,000, quicker to show
    row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    content = _workbook(_sheet(row * 600_000))
    assert len(content) < 600_000  # a small upload that holds 600,000 rows
    auth.login("facilitator@example.org")
    response = _upload(client, content, "stor.xlsx")
    assert response.status_code == 422 and "Filen har fler än 1\u00a0000 rader." in response.get_data(as_text=True)
    assert _count(app, ChallengeImport) == 0


def test_hostile_and_broken_workbooks_get_a_message_not_a_500(app, client, auth, people, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1024 * 1024)  # the rule at 500 MB, shown at 1 MB
    bomb = _sheet(
        '<row><c t="inlineStr"><is><t>&lol9;</t></is></c></row>',
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
        '<!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>',
    )
    broken = _sheet("<row><c><v>1</v></c>")  # the row is never closed: what was read has no header
    huge = _workbook(_sheet(""), extra={"xl/media/padding.bin": b"\0" * (2 * 1024 * 1024)})
    auth.login("facilitator@example.org")
    for content, status, message in (
        (_workbook(bomb), 422, "Filen kunde inte läsas som XLSX: den verkar vara skadad."),
        (_workbook(broken), 422, "Första raden ska vara"),
        (huge, 413, "Filen är för stor uppackad (högst 1 MB)."),
    ):
        response = _upload(client, content, "fil.xlsx")
        assert response.status_code == status and message in response.get_data(as_text=True)
    assert _count(app, ChallengeImport) == 0


def test_unconfirmed_uploads_are_forgotten(app, client, auth, people, areas):
    with app.app_context():
        db.session.add(ChallengeImport(filename="gammal.csv", content=b"x", created_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    auth.login("facilitator@example.org")
    _upload(client, (HEADER + GOOD_ROWS).encode())
    _upload(client, (HEADER + GOOD_ROWS).encode(), "andra.csv")  # replaces the first, never confirmed
    with app.app_context():
        kept = db.session.scalars(sa.select(ChallengeImport.filename)).all()
    assert kept == ["andra.csv"]
