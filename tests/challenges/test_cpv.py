"""The CPV vocabulary: loaded by the migration, check digits, parsing, and Swedish search relevance."""

import pytest
import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.vocabulary.cpv import InvalidCpvCode, branch_prefix, check_digit, parse_code, split_codes
from blueprints.vocabulary.models import CpvCode
from blueprints.vocabulary.queries import search_cpv


@pytest.mark.parametrize(
    ("code", "digit"),
    [("45233120", "6"), ("03000000", "1"), ("03111900", "1"), ("42412200", "9"), ("34114210", "4"), ("03110000", "5")],
)
def test_check_digit(code, digit):
    assert check_digit(code) == digit


def test_parse_with_and_without_check_digit():
    assert parse_code("45233120") == parse_code("45233120-6") == parse_code(" 45233120-6 ") == "45233120"
    for bad in ["45233120-5", "4523312", "452331200", "abc", "45233120-"]:
        with pytest.raises(InvalidCpvCode):
            parse_code(bad)


def test_split_and_branch():
    assert split_codes("45233120, 90910000;60130000-8  x") == ["45233120", "90910000", "60130000-8", "x"]
    assert branch_prefix("45230000") == "4523" and branch_prefix("45000000") == "45"
    assert branch_prefix("30000000") == "30" and branch_prefix("90910000") == "9091"


def test_every_installation_has_the_vocabulary(app_ctx):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CpvCode)) == 9454
    road = db.session.get(CpvCode, "45233120")
    assert road.label_sv == "Vägbygge" and road.label_en == "Road construction works"
    assert road.parent_code == "45233100"
    assert db.session.scalar(sa.select(sa.func.count()).where(CpvCode.label_sv == "")) == 0


def _codes(query):
    return [code.code for code, _parent in search_cpv(query, "sv")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("skolskjuts", "60130000"),  # no label says it: the alias list does
        ("skolskjutsar", "60130000"),
        ("städ", "90910000"),
        ("städning skolor", "90919300"),
        ("laddstolpar", "31158000"),
        ("elbussar", "34144910"),
        ("skolmåltider", "15894210"),
        ("vägbygge", "45233120"),
        ("Road construction", "45233120"),
        ("öronmärken", "03340000"),  # Å, Ä, Ö fold in the database too (SQLite's lower() would not)
        ("lokalvård", "90910000"),  # words of real procurement titles that no label has
        ("städtjänster", "90910000"),
        ("ventilationsarbeten", "45331210"),
    ],
)
def test_swedish_words_find_the_right_codes(app_ctx, query, expected):
    assert expected in _codes(query)[:3], _codes(query)


def test_a_whole_word_ranks_above_a_word_that_only_contains_it(app_ctx):
    found = _codes("städ")
    assert found[0].startswith("9091") and found.index("90910000") < 3
    smidesstad = [code for code, _parent in search_cpv("smidesstäd", "sv")][:1]
    assert smidesstad and smidesstad[0] not in found[:3]  # the anvil is not among cleaning's first


def test_digits_find_codes_by_prefix(app_ctx):
    found = _codes("4523")
    assert found and all(code.startswith("4523") for code in found)
    assert _codes("45233120-6")[0] == "45233120"


def test_results_carry_their_branch(app_ctx):
    code, parent = search_cpv("vägbygge", "sv")[0]
    assert code.code == "45233120" and parent.label_sv == "Anläggning av huvudvägar och andra vägar"


def test_nonsense_finds_nothing(app_ctx):
    assert _codes("xqzzv") == [] and _codes("a") == []


def test_picker_endpoint(client, auth, people):
    auth.login("buyer@example.org")
    html = client.get("/cpv/sok", query_string={"q": "skolskjuts"}).get_data(as_text=True)
    assert 'role="option"' in html and 'data-code="60130000"' in html
    assert "<html" not in html
    empty = client.get("/cpv/sok", query_string={"q": "xqzzv"}).get_data(as_text=True)
    assert "Inga CPV-koder matchar" in empty


def _eu_spreadsheet(path, rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CODE", "BG", "DA", "EN", "SV"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_cli_loads_the_eu_spreadsheet_layout(app, tmp_path):
    path = tmp_path / "cpv_2008.xlsx"
    _eu_spreadsheet(
        path,
        [
            ["45233120-6", "x", "x", "Road construction works", "Vägbyggen"],  # updated label
            ["90910000-9", "x", "x", "Cleaning services", "Städning"],  # unchanged
            ["45233170-1", "x", "x", "Test road works", "Testvägar"],  # new, in the branch of 45233100
        ],
    )
    result = app.test_cli_runner().invoke(args=["cpv", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 nya och 1 uppdaterade CPV-koder; 9455 totalt" in result.output
    with app.app_context():
        assert db.session.get(CpvCode, "45233120").label_sv == "Vägbyggen"
        added = db.session.get(CpvCode, "45233170")
        assert added.label_en == "Test road works" and added.parent_code == "45233100"
        db.session.delete(added)  # reference data is shared between tests: put it back as it was
        db.session.get(CpvCode, "45233120").label_sv = "Vägbygge"
        db.session.commit()


def test_cli_refuses_a_bad_spreadsheet(app, tmp_path):
    path = tmp_path / "bad.xlsx"
    _eu_spreadsheet(path, [["45233120-5", "x", "x", "Road", "Väg"]])
    result = app.test_cli_runner().invoke(args=["cpv", "import", str(path)])
    assert result.exit_code != 0 and "ingen giltig CPV-kod" in result.output
    wrong = tmp_path / "wrong.xlsx"
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["KOD", "SVENSKA"])
    book.save(wrong)
    assert "CODE, SV och EN" in app.test_cli_runner().invoke(args=["cpv", "import", str(wrong)]).output
