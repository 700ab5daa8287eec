"""Small Statistikdatabasen exports made here, in the agency's own layouts (the real 2021 files are only read
by the tests that skip when they are absent)."""

import csv
import io
from typing import Any

import openpyxl
import pytest

COMMON = [
    "År", "Namn för köpare", "Organisationsnummer för köpare", "Sektor för köpare", "Delsektor för köpare",
    "Juridisk form för köpare", "SNI-Avdelning för köpare", "Upphandlingsslag", "CPV-Huvudgrupp", "CPV-Grupp",
    "CPV-Undergrupp", "CPV-Kategori", "CPV-Underkategori", "Huvudsaklig CPV-kod", "Rättslig grund", "Direktivstyrd",
    "Förfarande", "Typ av avtal", "Dynamiskt inköpssystem", "Elektronisk auktion", "Anbudsområden",
    "Samordnad upphandling", "Miljömässigt hållbar upphandling", "Socialt hållbar upphandling",
    "Innovationsupphandling", "Reserverad upphandling", "Reserverat genomförande", "Annonsdatabas", "Överprövad",
    "Upphandlings-ID", "Upphandlingens titel", "Publiceringsdatum",
]  # fmt: skip
SUPPLIER_COLUMNS = [
    "Anbudsområdes-ID", "Namn för leverantör", "Sektor för leverantör", "Företagsstorlek för leverantör",
    "Juridisk form för leverantör", "SNI-Avdelning för leverantör", "SNI-Huvudgrupp för leverantör",
    "SNI-Grupp för leverantör", "SNI-Undergrupp för leverantör", "SNI-Detaljgrupp för leverantör",
    "Antal kontrakterade anbud*, Summa",
]  # fmt: skip
HEADERS = {
    "procurements": [*COMMON, "Antal upphandlingar, Summa"],
    "values": [*COMMON, "Kontrakterat värde, Summa"],
    "tenders": [*COMMON, "Anbudsområdes-ID", "Antal anbud, Summa"],
    "awards": [*COMMON, *SUPPLIER_COLUMNS],
}
LUND = ("LUNDS KOMMUN", "2120001132", "Kommun", "Kommun", "Kommuner")
REGION_SKANE = ("REGION SKÅNE", "2321000255", "Region", "Region", "Regioner")
POLICE = ("POLISMYNDIGHETEN", "2021000076", "Stat", "Statlig myndighet", "Statliga enheter")
SYSTEMBOLAGET = ("SYSTEMBOLAGET AKTIEBOLAG", "5560599473", "Stat", "Statligt ägd organisation", "Övriga aktiebolag")


def procurement(key: str = "MT1", buyer: tuple[str, ...] = LUND, **columns: Any) -> dict[str, Any]:
    """One row as the export has it (a procurement of Lund's school transport unless told otherwise)."""
    name, number, sector, subsector, legal_form = buyer
    return {
        "År": 2021,
        "Namn för köpare": name,
        "Organisationsnummer för köpare": number,
        "Sektor för köpare": sector,
        "Delsektor för köpare": subsector,
        "Juridisk form för köpare": legal_form,
        "Upphandlingsslag": "Tjänster",
        "Huvudsaklig CPV-kod": "60130000 Vägtransporter för specialändamål",
        "Förfarande": "Öppet förfarande",
        "Typ av avtal": "Ramavtal",
        "Dynamiskt inköpssystem": "False",
        "Anbudsområden": "False",
        "Samordnad upphandling": "False",
        "Miljömässigt hållbar upphandling": "True",
        "Socialt hållbar upphandling": "False",
        "Innovationsupphandling": "False",
        "Upphandlings-ID": key,
        "Upphandlingens titel": "Skolskjuts med elbussar",
        "Publiceringsdatum": "2021-03-15",
        "Antal upphandlingar, Summa": 1,
        **columns,
    }


def table(layout: str, rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The header of the layout and the rows under it."""
    header = HEADERS[layout]
    return [header, *([row.get(column, "") for column in header] for row in rows)]


def xlsx(layout: str, rows: list[dict[str, Any]]) -> bytes:
    """An XLSX export (numbers as numbers, like the agency's)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in table(layout, rows):
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_export(layout: str, rows: list[dict[str, Any]], encoding: str = "utf-8", delimiter: str = ";") -> bytes:
    """A CSV export as Excel saves it."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(table(layout, rows))
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def run_jobs(app):
    """Run every queued job the way ``flask worker`` does (without the heartbeat thread)."""
    from blueprints.core.jobs import run_next_job

    def run() -> list[int]:
        done = []
        while (job_id := run_next_job(app, worker="test-worker", heartbeat=False)) is not None:
            done.append(job_id)
        return done

    return run


from tests.challenges.conftest import areas, make_challenge  # noqa: E402, F401 (fixtures)
from tests.networks.conftest import make_network  # noqa: E402, F401 (fixture)
