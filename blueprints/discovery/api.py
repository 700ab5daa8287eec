"""The discovery API: ``GET /api/v1/discovery?cpv=60130000&from=2021&to=2021&k=50`` for integrations (a staff
session or a personal API token)."""

from typing import Any

from flask import request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from blueprints.core.access import api_permission_required, json_error
from blueprints.core.args import int_arg
from blueprints.discovery.blueprint import bp
from blueprints.discovery.filters import DiscoveryFilter
from blueprints.discovery.policies import DISCOVER
from blueprints.discovery.queries import annotate, branches_of, buyer_filter
from blueprints.statistics.buyers import buyers, summary
from blueprints.statistics.market import Market, market_of

MAX_K = 500


def _market(market: Market) -> dict[str, Any]:
    return {
        "lots": market.lots,
        "tenders_per_lot": round(market.tenders_per_lot, 2) if market.tenders_per_lot is not None else None,
        "single_tender_share": round(market.single_tender_share, 4) if market.single_tender_share is not None else None,
        "winners": market.winners,
        "small_winners": market.small_winners,
        "suppliers": [{"name": w.name, "size": w.size, "lots": w.lots} for w in market.suppliers],
    }


@bp.get("/api/v1/discovery")
@api_permission_required(DISCOVER)
def api_discovery() -> ResponseReturnValue:
    """{"query", "organisations": [...], "total_value_sek", "market"}: the k organisations that bought most."""
    k = int_arg(request.args.get("k", "50"), maximum=MAX_K)
    if k is None:
        return json_error(400, _("k ska vara ett heltal från 1 till %(max)s.", max=MAX_K))
    flt = DiscoveryFilter.from_args(request.args)
    if not flt.asks_something:
        return json_error(400, _("Ange cpv (CPV-koder), need_area (ett behovsområdes id) eller q (ord i titlarna)."))
    with force_locale("sv"):
        branches = branches_of(flt, "sv")
        question = buyer_filter(flt, branches)
        totals = summary(question)
        rows = annotate(buyers(question, sort=flt.sort, limit=k), branches.ranges)
        years = (flt.year_from or 1990, flt.year_to or 2100) if flt.year_from or flt.year_to else None
        market = market_of(branches.ranges, years)
    return {
        "query": {
            "cpv": [code for code, _label in branches.labels],
            "q": flt.q,
            "from": flt.year_from,
            "to": flt.year_to,
            "county": flt.county or None,
            "kind": flt.kind or None,
            "procedure": question.procedure or None,
            "flags": flt.flag_list,
            "sort": flt.sort,
            "k": k,
        },
        "organisations": [
            {
                "id": row.organisation_id,
                "name": row.name,
                "org_number": row.org_number_display,
                "county": row.county_code,
                "procurements": row.procurements,
                "contracted_value_sek": row.value_sek,
                "latest": row.latest.isoformat() if row.latest else None,
                "coordinated": row.coordinated,
                "in_networks": [network_id for network_id, _name in row.in_networks],
            }
            for row in rows
        ],
        "total_organisations": totals.organisations,
        "total_procurements": totals.procurements,
        "total_value_sek": totals.value_sek,
        "market": _market(market),
    }
