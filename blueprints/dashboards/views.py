"""The managers' dashboard, its exports and the printable report. Read-only: every view only reads."""

from datetime import date

from flask import abort, request
from flask.typing import ResponseReturnValue

from blueprints.core.access import permission_required
from blueprints.core.db import utcnow
from blueprints.core.errors import error_response
from blueprints.core.formatting import STOCKHOLM
from blueprints.core.htmx import render
from blueprints.core.i18n import date_time
from blueprints.dashboards.blueprint import bp
from blueprints.dashboards.exports import table_csv, tables_xlsx
from blueprints.dashboards.figures import Dashboard, build_dashboard, chart_of, format_change, format_value
from blueprints.dashboards.forms import PERIODS, DashboardFilter
from blueprints.dashboards.policies import READ_DASHBOARDS
from blueprints.organisations.regions import COUNTIES, KINDS
from blueprints.vocabulary.queries import need_area_choices


def _today() -> date:
    return utcnow().astimezone(STOCKHOLM).date()


def _load() -> tuple[DashboardFilter, list[str], Dashboard, list[tuple[int, str]]]:
    """The filter from the URL (with a message per value left out), the dashboard for it, the need areas."""
    areas = need_area_choices()
    flt, errors = DashboardFilter.from_args(request.args, {area_id for area_id, _name in areas})
    today = _today()
    return flt, errors, build_dashboard(flt.scope(today), today, areas), areas


def _page(template: str, *, block: str | None = None) -> ResponseReturnValue:
    flt, errors, dashboard, areas = _load()
    return render(
        template,
        block=block,
        status=400 if errors else 200,
        flt=flt,
        errors=errors,
        dashboard=dashboard,
        need_areas=areas,
        scope_text=flt.describe(areas),
        periods=PERIODS,
        counties=COUNTIES,
        org_kinds=KINDS,
        chart_of=chart_of,
        format_value=format_value,
        format_change=format_change,
        now_text=date_time(utcnow()),
    )


@bp.get("/oversikt/")
@permission_required(READ_DASHBOARDS)
def index() -> ResponseReturnValue:
    """The dashboard: key figures, charts and tables for the chosen period, län, need area and kind."""
    return _page("dashboards/index.html", block="widgets")


@bp.get("/oversikt/rapport")
@permission_required(READ_DASHBOARDS)
def report() -> ResponseReturnValue:
    """Underlag för återrapportering: every figure, chart, table and definition, laid out for A4."""
    return _page("dashboards/report.html")


@bp.get("/oversikt/export/<string:key>.<any(csv, xlsx):file_type>")
@permission_required(READ_DASHBOARDS)
def export(key: str, file_type: str) -> ResponseReturnValue:
    """One table (or, as XLSX, "alla": every table on its own sheet) for the filtered period."""
    flt, errors, dashboard, _areas = _load()
    if errors:
        return error_response(400, " ".join(errors))
    period = flt.resolve(_today())
    filename = f"kopkraft-{key}-{period.first.isoformat()}-{period.last.isoformat()}.{file_type}"
    if key == "alla" and file_type == "xlsx":
        return tables_xlsx(dashboard.tables(), filename)
    table = dashboard.table(key)
    if table is None:
        abort(404)
    return table_csv(table, filename) if file_type == "csv" else tables_xlsx([table], filename)
