"""Views: "Hitta nätverk i statistiken" — who bought a kind of thing, where, how much and how often, the
market it meets; files of the result; and acting on it: a new network from the organisations chosen, or an
invitation to an existing one."""

from typing import Any

from flask import Response, abort, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from blueprints.core.access import permission_required
from blueprints.core.actions import perform
from blueprints.core.args import int_arg, int_args
from blueprints.core.db import db
from blueprints.core.htmx import render
from blueprints.core.i18n import current_language
from blueprints.discovery import exports
from blueprints.discovery.blueprint import bp
from blueprints.discovery.charts import year_chart
from blueprints.discovery.filters import CpvQuestionForm, DiscoveryFilter
from blueprints.discovery.policies import DISCOVER
from blueprints.discovery.queries import PROCEDURES, all_buyers, discover, open_networks_to_invite_to
from blueprints.networks.models import Network
from blueprints.networks.policies import RUN_NETWORKS
from blueprints.networks.services import invite_organisations
from blueprints.organisations.maps import county_map
from blueprints.organisations.regions import COUNTIES, KINDS
from blueprints.statistics.buyers import FLAGS, SORTS
from blueprints.statistics.queries import all_years
from blueprints.vocabulary.queries import need_area_choices

SORT_LABELS = {
    "value": _l("Störst kontrakterat värde först"),
    "procurements": _l("Flest upphandlingar först"),
    "latest": _l("Senast publicerad först"),
    "name": _l("Namn A–Ö"),
}
FLAG_LABELS = {
    "samordnad": _l("Samordnad upphandling"),
    "innovation": _l("Innovationsupphandling"),
    "miljo": _l("Miljömässigt hållbar"),
    "social": _l("Socialt hållbar"),
}


@bp.get("/statistik/")
@permission_required(DISCOVER)
def index() -> ResponseReturnValue:
    """Find networks in the statistics: choose a CPV branch, a need area or words, and narrow by years, län,
    kind, procedure and flags; see who bought it, on a map and per year, and the market it meets."""
    flt = DiscoveryFilter.from_args(request.args)
    found = discover(flt, current_language()) if flt.asks_something else None
    context: dict[str, Any] = {}
    if found is not None:
        by_county = found.summary.by_county
        context = {
            "map": county_map(
                {code: float(v[2]) for code, v in by_county.items() if code},
                COUNTIES,
                {
                    code: ngettext("%(num)d organisation", "%(num)d organisationer", v[0])
                    for code, v in by_county.items()
                    if code
                },
            ),
            "chart": year_chart(found.summary.by_year),
        }
    years = all_years()
    return render(
        "discovery/index.html",
        block="results",
        flt=flt,
        found=found,
        cpv_form=CpvQuestionForm(data={"cpv": flt.cpv}),
        selected_cpv=found.branches.labels if found else [],
        years=years,
        year_choices=[(year, year) for year in years],
        sorts=[(key, SORT_LABELS[key]) for key in SORTS],
        need_areas=need_area_choices(),
        counties=COUNTIES,
        kinds=KINDS,
        procedures=[(p, p) for p in PROCEDURES],
        flags=[(flag, FLAG_LABELS[flag]) for flag in FLAGS],
        networks=open_networks_to_invite_to() if RUN_NETWORKS(g.user) and found else [],
        **context,
    )


@bp.get("/statistik/export.<any(csv, xlsx):file_type>")
@permission_required(DISCOVER)
def export(file_type: str) -> Response:
    """The whole result as CSV or XLSX: one row per organisation."""
    flt = DiscoveryFilter.from_args(request.args)
    if not flt.asks_something:
        abort(404)
    _branches, rows = all_buyers(flt, current_language())
    return exports.buyers_file(rows, file_type, COUNTIES, KINDS)


@bp.post("/statistik/bjud-in")
@permission_required(RUN_NETWORKS)
def invite() -> ResponseReturnValue:
    """Invite the organisations chosen in a result to an existing network."""
    organisation_ids = int_args(request.form.getlist("organisation"))
    network_id = int_arg(request.form.get("network"))
    back = _back()
    if not organisation_ids or network_id is None:
        flash(_("Välj minst en organisation och ett nätverk."), "error")
        return redirect(back, 303)
    network = db.get_or_404(Network, network_id)
    invited = perform(
        lambda: invite_organisations(network=network, organisation_ids=organisation_ids, actor=g.user), back=back
    )
    count = len(invited or [])
    flash(ngettext("%(num)d organisation är inbjuden.", "%(num)d organisationer är inbjudna.", count), "success")
    return redirect(url_for("networks.detail", network_id=network.id) + "#medlemmar", 303)


@bp.post("/statistik/nytt-natverk")
@permission_required(RUN_NETWORKS)
def new_network() -> ResponseReturnValue:
    """Start a network from the organisations chosen in a result: the network form, filled in with them."""
    organisation_ids = int_args(request.form.getlist("organisation"))
    if not organisation_ids:
        flash(_("Välj minst en organisation."), "error")
        return redirect(_back(), 303)
    cpv = DiscoveryFilter.from_args(request.form).cpv
    return redirect(url_for("networks.create", organisation=organisation_ids, cpv=cpv or None), 303)


def _back() -> str:
    """The result the person came from (only a discovery page)."""
    back = request.form.get("back", "")
    return back if back.startswith("/statistik/") and "//" not in back else url_for("discovery.index")
