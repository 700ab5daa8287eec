"""In Chromium: a manager narrows the dashboard to one län (every widget changes in place, the URL follows, the
back button returns), downloads the workbook and prints the report. axe-core (WCAG 2.1 A/AA) on both pages."""

import io
import re

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import axe_violations, log_in
from tests.dashboards.conftest import YEAR_2025, areas, reporting  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.commits]


def share_in_time(page) -> str:
    return page.locator("#figure-svar_i_tid .figure__value").inner_text()


@pytest.mark.parametrize("page", [1280, 375], indirect=True)
def test_manager_filters_downloads_and_prints(page, reporting):  # noqa: F811 (the imported fixture)
    log_in(page, "manager@example.org")
    page.goto(YEAR_2025)
    assert share_in_time(page) == "71,4\u00a0%"
    assert axe_violations(page) == []
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Län", exact=True).select_option(label="Västra Götalands län")
    page.wait_for_url(re.compile(r".*county=14.*"))
    heading = page.locator(".dashboard__heading .muted")
    heading.filter(has_text="Västra Götalands län").wait_for()
    assert share_in_time(page) == "66,7\u00a0%"  # Malmö's request left out
    assert page.evaluate("window.stillTheSamePage") is True  # updated in place, no reload
    assert "Västra Götalands län" in page.locator("#dashboard-status").inner_text()
    assert axe_violations(page) == []  # with the filter applied

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner allt (XLSX)").click()
    with open(download.value.path(), "rb") as file:
        workbook = load_workbook(io.BytesIO(file.read()))
    key_figures = {row[0].value: row[2].value for row in workbook["Nyckeltal"].iter_rows(min_row=2)}
    assert key_figures["Nya förfrågningar"] == 6

    page.go_back()
    page.wait_for_url(re.compile(r"^(?!.*county=14).*$"))
    page.locator("#figure-svar_i_tid .figure__value", has_text="71,4").wait_for()

    # Typing a date chooses "own dates" by itself (the figure is then for March to December only).
    page.get_by_label("Från", exact=True).fill("2025-03-01")
    page.wait_for_url(re.compile(r".*period=egen.*start=2025-03-01.*"))
    assert page.get_by_label("Period", exact=True).input_value() == "egen"
    page.locator("#dashboard-period", has_text="1 mars 2025").wait_for()

    page.get_by_role("link", name="Underlag för återrapportering").click()
    page.wait_for_url(re.compile(r".*/oversikt/rapport.*"))
    assert page.get_by_role("heading", level=1).inner_text() == "Underlag för återrapportering"
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Skriv ut").is_visible()
    assert page.locator("svg.chart__svg").count() == 8
    assert page.console_errors == []
