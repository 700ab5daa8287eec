"""What the statistics area shows on other areas' pages: an organisation's procurement history."""

from typing import Any

from blueprints.core.charts import bar_chart
from blueprints.core.i18n import current_language, money_short, number
from blueprints.statistics.queries import history_of


def history(*, user: Any, organisation: Any, **_page: Any) -> dict[str, Any] | None:
    """The organisation's procurements per year and CPV division, with a chart (none when the statistics
    name none)."""
    found = history_of(organisation.id, current_language())
    if not found.years:
        return None
    chart = bar_chart(
        [str(row.year) for row in found.years],
        [float(row.procurements) for row in found.years],
        [number(row.procurements) for row in found.years],
    )
    return {"history": found, "chart": chart, "money_short": money_short}
