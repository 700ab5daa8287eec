"""The discovery page's chart: procurements per year of the result."""

from blueprints.core.charts import Chart, bar_chart
from blueprints.core.i18n import number


def year_chart(by_year: dict[int, tuple[int, int, int]]) -> Chart | None:
    """Bars of procurements per year (organisations, procurements, value per year given)."""
    if not by_year:
        return None
    years = sorted(by_year)
    return bar_chart(
        [str(year) for year in years],
        [float(by_year[year][1]) for year in years],
        [number(by_year[year][1]) for year in years],
    )
