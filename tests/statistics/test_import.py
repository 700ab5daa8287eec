"""Importing Statistikdatabasen exports: every layout, XLSX and CSV, any year; re-imports change nothing; the
value file enriches the count file in either order; every row kept and what could not be verified marked;
a file with a row that cannot be stored is refused whole, with the rows named."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from blueprints.core.db import DomainError, db
from blueprints.organisations.models import Organisation
from blueprints.statistics.imports import ImportRefused, import_file
from blueprints.statistics.market import market_of
from blueprints.statistics.models import LotAward, Procurement, ProcurementLot, StatisticsImport
from tests.statistics.conftest import POLICE, REGION_SKANE, SYSTEMBOLAGET, csv_export, procurement, xlsx


def _procurements():
    return db.session.scalars(sa.select(Procurement).order_by(Procurement.procurement_key)).all()


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _organisation(number):
    return db.session.scalar(sa.select(Organisation).where(Organisation.org_number == number))


ROWS = [
    procurement("MT1"),
    procurement("MT2", REGION_SKANE, **{"Huvudsaklig CPV-kod": "33140000 Medicinska förbrukningsartiklar"}),
    procurement("MT3", POLICE, **{"År": 2020, "Samordnad upphandling": "True", "Upphandlingens titel": "Fordon"}),
    procurement("MT4", SYSTEMBOLAGET, **{"Upphandlingsslag": "LUF", "Innovationsupphandling": "True"}),
]


def test_a_count_file_stores_every_procurement_with_what_an_analyst_filters_on(app_ctx):
    record = import_file(filename="antal-upphandlingar.xlsx", content=xlsx("procurements", ROWS))
    assert (record.layout, record.rows, record.created, record.years) == ("procurements", 4, 4, "2020 2021")
    school_bus, medical, vehicles, alcohol = _procurements()
    assert (school_bus.year, school_bus.cpv_code, school_bus.title) == (2021, "60130000", "Skolskjuts med elbussar")
    assert school_bus.published_on.isoformat() == "2021-03-15"
    assert (school_bus.procedure, school_bus.contract_type, school_bus.sector) == (
        "Öppet förfarande",
        "Ramavtal",
        "kommun",
    )
    assert school_bus.is_environmental and not school_bus.is_coordinated and school_bus.contracted_value_sek is None
    assert vehicles.is_coordinated and vehicles.year == 2020
    assert alcohol.is_innovation and medical.cpv_code == "33140000"
    assert school_bus.unverified == "" and record.report["unverified_rows"] == 0


def test_unknown_buyers_become_organisations_with_readable_names_kinds_and_lan(app_ctx):
    record = import_file(filename="antal.xlsx", content=xlsx("procurements", ROWS))
    lund, skane, police, alcohol = (_organisation(n) for n in ("2120001132", "2321000255", "2021000076", "5560599473"))
    assert (lund.name, lund.kind, lund.county_code) == ("Lunds kommun", "kommun", "12")
    assert (skane.name, skane.kind, skane.county_code) == ("Region Skåne", "region", "12")
    assert (police.name, police.kind, police.county_code) == ("Polismyndigheten", "statlig_myndighet", None)
    assert alcohol.name == "Systembolaget aktiebolag" and alcohol.kind == "ovrig"
    assert record.organisations_created == 4


def test_a_known_buyer_is_matched_by_its_organisationsnummer_and_keeps_its_name(app_ctx, make_organisation):
    lund = make_organisation(name="Lund (kommunen)", org_number="2120001132", kind="kommun")
    import_file(filename="antal.xlsx", content=xlsx("procurements", ROWS[:1]))
    assert _procurements()[0].organisation_id == lund.id
    assert db.session.get(Organisation, lund.id).name == "Lund (kommunen)"
    assert _count(Organisation) == 1


def test_importing_the_same_file_again_changes_nothing(app_ctx):
    content = xlsx("procurements", ROWS)
    import_file(filename="antal.xlsx", content=content)
    before = [(p.id, p.title, p.imported_at) for p in _procurements()]
    again = import_file(filename="antal.xlsx", content=content)
    assert (again.created, again.updated, again.unchanged, again.organisations_created) == (0, 0, 4, 0)
    assert [(p.id, p.title, p.imported_at) for p in _procurements()] == before


def test_a_corrected_row_updates_its_procurement(app_ctx):
    import_file(filename="antal.xlsx", content=xlsx("procurements", ROWS[:1]))
    changed = procurement("MT1", **{"Förfarande": "Förenklat förfarande"})
    record = import_file(filename="antal-rättad.xlsx", content=xlsx("procurements", [changed]))
    assert (record.created, record.updated) == (0, 1)
    assert _procurements()[0].procedure == "Förenklat förfarande" and _count(Procurement) == 1


@pytest.mark.parametrize("order", [("procurements", "values"), ("values", "procurements")])
def test_the_value_file_enriches_the_count_file_whichever_comes_first(app_ctx, order):
    valued = [
        dict(row, **{"Kontrakterat värde, Summa": value})
        for row, value in zip(ROWS[:2], (1460, 2_500_000), strict=True)
    ]
    files = {"procurements": xlsx("procurements", ROWS), "values": xlsx("values", valued)}
    for layout in order:
        import_file(filename=f"{layout}.xlsx", content=files[layout])
    assert _count(Procurement) == 4
    assert [p.contracted_value_sek for p in _procurements()] == [1460, 2_500_000, None, None]
    # The count file again never clears a value.
    import_file(filename="antal.xlsx", content=files["procurements"])
    assert [p.contracted_value_sek for p in _procurements()] == [1460, 2_500_000, None, None]


def test_the_value_file_finds_a_row_the_agency_titled_differently_by_its_id_and_buyer(app_ctx):
    import_file(filename="antal.xlsx", content=xlsx("procurements", ROWS[:1]))
    renamed = procurement("MT1", **{"Upphandlingens titel": "Skolskjuts (elbussar)", "Kontrakterat värde, Summa": 99})
    record = import_file(filename="varde.xlsx", content=xlsx("values", [renamed]))
    assert record.report["matched_by_id_and_buyer"] == 1
    (row,) = _procurements()
    assert (row.title, row.contracted_value_sek) == ("Skolskjuts med elbussar", 99)


def test_the_count_file_says_what_a_procurement_is_and_the_value_file_only_adds_its_value(app_ctx):
    valued = procurement("MT1", **{"Förfarande": "Förenklat förfarande", "Kontrakterat värde, Summa": 500})
    import_file(filename="varde.xlsx", content=xlsx("values", [valued]))
    assert _procurements()[0].procedure == "Förenklat förfarande"  # known only from the value file so far
    import_file(filename="antal.xlsx", content=xlsx("procurements", ROWS[:1]))
    import_file(filename="varde.xlsx", content=xlsx("values", [valued]))
    again = import_file(filename="antal.xlsx", content=xlsx("procurements", ROWS[:1]))
    assert (again.updated, again.unchanged) == (0, 1)  # no back and forth between the files
    (row,) = _procurements()
    assert (row.procedure, row.contracted_value_sek) == ("Öppet förfarande", 500)


def test_a_row_matched_exactly_is_never_also_the_match_of_a_differently_titled_row(app_ctx):
    import_file(filename="antal.xlsx", content=xlsx("procurements", ROWS[:1]))
    exact = procurement("MT1", **{"Kontrakterat värde, Summa": 100})
    other = procurement("MT1", **{"Upphandlingens titel": "Något annat", "Kontrakterat värde, Summa": 200})
    record = import_file(filename="varde.xlsx", content=xlsx("values", [other, exact]))
    assert (record.updated, record.created, record.report["matched_by_id_and_buyer"]) == (1, 1, 0)
    assert sorted(p.contracted_value_sek for p in _procurements()) == [100, 200]


def test_one_id_used_by_several_buyers_or_on_several_days_is_several_procurements(app_ctx):
    rows = [
        procurement("MT9"),
        procurement("MT9", REGION_SKANE),
        procurement("MT9", **{"Publiceringsdatum": "2021-09-01", "Upphandlingens titel": "Avrop skolskjuts"}),
    ]
    assert import_file(filename="antal.xlsx", content=xlsx("procurements", rows)).created == 3


def test_rows_that_cannot_be_verified_are_kept_marked_and_counted(app_ctx):
    rows = [
        procurement("MT1", **{"Organisationsnummer för köpare": "0145076-7"}),  # fails its check digit
        procurement("MT2", **{"Huvudsaklig CPV-kod": "00000000 Uppgift saknas"}),
        procurement("MT3", **{"Upphandlingens titel": "Mycket lång titel " * 80}),
        procurement("MT4", **{"Publiceringsdatum": ""}),
    ]
    record = import_file(filename="antal.xlsx", content=xlsx("procurements", rows))
    assert record.rows == 4 and record.report["unverified_rows"] == 4
    assert record.report["unverified"] == {"organisationsnummer": 1, "cpv": 1, "titel": 1, "datum": 1}
    foreign, no_cpv, long_title, undated = _procurements()
    assert foreign.unverified == "organisationsnummer" and foreign.buyer_org_number == "01450767"
    assert no_cpv.cpv_code is None and no_cpv.unverified == "cpv"
    assert len(long_title.title) == 1000 and long_title.unverified == "titel"
    assert undated.published_on is None


def test_csv_in_utf8_and_in_windows_1252_read_the_same(app_ctx):
    rows = [procurement("MT1", **{"Upphandlingens titel": "Skolskjuts – Hörby, Höör och Åstorp"})]
    import_file(filename="antal.csv", content=csv_export("procurements", rows, encoding="cp1252"))
    import_file(filename="antal-utf8.csv", content=csv_export("procurements", rows, delimiter=","))
    (row,) = _procurements()
    assert row.title == "Skolskjuts – Hörby, Höör och Åstorp"


def test_any_year_is_imported(app_ctx):
    rows = [procurement("X1", **{"År": 2014, "Publiceringsdatum": "2014-05-02"}), procurement("X2", **{"År": 2030})]
    assert import_file(filename="antal.xlsx", content=xlsx("procurements", rows)).years == "2014 2030"


def _refusal(rows, layout="procurements"):
    with pytest.raises(ImportRefused) as refused:
        import_file(filename="antal.xlsx", content=xlsx(layout, rows))
    return refused.value


def test_a_file_with_a_row_that_cannot_be_stored_is_refused_whole_with_the_rows_named(app_ctx):
    rows = [
        procurement("MT1"),
        procurement("MT2", **{"Upphandlingens titel": "  "}),
        procurement("MT3", **{"Organisationsnummer för köpare": ""}),
        procurement("MT1"),
        procurement("", **{"Upphandlingens titel": "Utan id"}),
    ]
    refused = _refusal(rows)
    assert refused.message == (
        "4 av 5 rader kunde inte läsas; inget har sparats. Rätta raderna och importera filen igen."
    )
    assert [r.row for r in refused.refusals] == [3, 4, 5, 6]
    assert refused.details["refused"][0] == [3, "titeln saknas", {}]
    assert refused.details["refused"][2] == [5, "samma upphandling som rad %(row)s", {"row": "2"}]
    assert _count(Procurement) == 0 and _count(Organisation) == 0 and _count(StatisticsImport) == 0


def test_a_value_that_is_not_a_number_refuses_the_file(app_ctx):
    refused = _refusal([procurement("MT1", **{"Kontrakterat värde, Summa": "en miljon"})], layout="values")
    assert refused.details["refused"] == [
        [2, "%(what)s är inte ett tal: %(value)s", {"what": "Kontrakterat värde", "value": "enmiljon"}]
    ]


def _domain_error(filename, content):
    with pytest.raises(DomainError) as error:
        import_file(filename=filename, content=content)
    assert _count(Procurement) == 0
    return error.value.message


def test_a_file_of_another_layout_is_refused_with_the_columns_it_should_have(app_ctx):
    message = _domain_error("utmaningar.csv", b"titel;beskrivning;cpv\nSkolskjuts;Elbussar;60130000\n")
    assert message.startswith("Filen är inte en export ur Statistikdatabasen: rubrikraden ska bland annat ha")
    assert "Upphandlings-ID" in message


def test_a_broken_or_empty_xlsx_is_refused(app_ctx):
    content = xlsx("procurements", ROWS)
    assert _domain_error("antal.xlsx", content[: len(content) // 2]).startswith("Filen kunde inte läsas som XLSX")
    assert _domain_error("antal.xlsx", b"") == "Filen är tom."


def test_a_file_that_is_too_large_is_refused_before_it_is_read(app_ctx):
    with pytest.raises(DomainError) as error:
        import_file(filename="stor.csv", content=b"x" * (40 * 1024 * 1024 + 1))
    assert error.value.status_code == 413 and error.value.message == "Filen är för stor (högst 40 MB)."


def test_formulas_are_refused_naming_their_cell(app_ctx):
    with_formula = [procurement("MT1", **{"Kontrakterat värde, Summa": "=SUM(1;2)"})]
    message = _domain_error("varde.xlsx", xlsx("values", with_formula))
    assert message.startswith("Cell AG2 innehåller en formel.")
    message = _domain_error("varde.csv", csv_export("values", with_formula))
    assert message.startswith("Cell AG2 innehåller en formel.")


def test_an_xlsx_without_a_zip_directory_is_refused(app_ctx):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "inte ett kalkylblad")
    assert _domain_error("antal.xlsx", buffer.getvalue()).startswith("Filen kunde inte läsas som XLSX")


# --- lots and their winners ------------------------------------------------------------------------------


def _lot(key, lot, tenders, **columns):
    return procurement(key, **{"Anbudsområdes-ID": lot, "Antal anbud, Summa": tenders, **columns})


def _award(key, lot, supplier, size="Små företag", **columns):
    return procurement(
        key, **{"Anbudsområdes-ID": lot, "Namn för leverantör": supplier, "Företagsstorlek för leverantör": size,
                "Sektor för leverantör": "Privat", "SNI-Avdelning för leverantör": "H Transport",
                "Antal kontrakterade anbud*, Summa": 1, **columns}
    )  # fmt: skip


TAXI = {"Huvudsaklig CPV-kod": "60140000 Persontransport vid behov"}


def test_lot_files_give_the_market_of_a_branch(app_ctx):
    lots = [_lot("MT1", "L1", 1), _lot("MT1", "L2", 4), _lot("MT2", "L3", 3, **TAXI)]
    awards = [
        _award("MT1", "L1", "Buss i Syd AB"),
        _award("MT1", "L2", "Buss i Syd AB"),
        _award("MT1", "L2", "Nobina Sverige AB", "Stora företag"),
        _award("MT2", "L3", "Taxi Lund AB", "Mikroföretag", **TAXI),
        _award("MT2", "L3", "Personuppgift", "Uppgift saknas", **TAXI),
        _award("MT2", "L3", "Personuppgift", "Uppgift saknas", **TAXI),  # hidden natural persons: added up
    ]
    assert import_file(filename="anbud.xlsx", content=xlsx("tenders", lots)).created == 3
    record = import_file(filename="leverantorer.xlsx", content=xlsx("awards", awards))
    assert (record.rows, record.created) == (6, 5)
    assert _count(ProcurementLot) == 3 and _count(LotAward) == 5
    hidden = db.session.scalar(sa.select(LotAward).where(LotAward.supplier_name == "Personuppgift"))
    assert hidden.contracts == 2

    market = market_of([("601", "602")])
    assert (market.lots, market.tenders_per_lot, market.single_tender_share) == (3, 8 / 3, 1 / 3)
    assert [(w.name, w.lots) for w in market.suppliers][:2] == [("Buss i Syd AB", 2), ("Nobina Sverige AB", 1)]
    # Natural persons, hidden as "Personuppgift", are not a supplier one can name or count.
    assert (market.winners, market.small_winners) == (3, 2)
    only_6013 = market_of([("6013", "6014")])
    assert (only_6013.lots, only_6013.winners) == (2, 2)
    # Re-importing the winners changes nothing.
    again = import_file(filename="leverantorer.xlsx", content=xlsx("awards", awards))
    assert (again.created, again.updated) == (0, 0) and _count(LotAward) == 5


def test_a_lot_twice_in_its_file_is_refused(app_ctx):
    refused = _refusal([_lot("MT1", "L1", 1), _lot("MT1", "L1", 2)], layout="tenders")
    assert [r.row for r in refused.refusals] == [3]
