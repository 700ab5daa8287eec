"""Procurement statistics: Sweden's own data on what every contracting authority bought (Statistikdatabasen),
imported from the agency's yearly exports; pooled purchasing power computed from it; the market (tenders per
lot, winning suppliers) of a CPV branch; and each organisation's procurement history."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: "Flask") -> None:
    """Register the import pages and commands, the import job, permissions and the organisation page's
    history."""
    from flask_babel import lazy_gettext as _l

    from blueprints.core import versions
    from blueprints.core.jobs import JobKind
    from blueprints.core.registry import areas
    from blueprints.statistics import cli, models, panels, views  # noqa: F401 (tables; routes and commands on bp)
    from blueprints.statistics.blueprint import bp
    from blueprints.statistics.jobs import IMPORT_JOB, import_result_context, run_import
    from blueprints.statistics.policies import PERMISSIONS

    app.register_blueprint(bp)
    for model in (models.Procurement, models.ProcurementLot, models.LotAward, models.StatisticsImport):
        versions.watch(model, "statistics")  # an import writes its record: figures kept until then are renewed
    registry = areas(app)
    registry.add_permissions(PERMISSIONS)
    registry.add_job(
        IMPORT_JOB,
        JobKind(
            run_import,
            _l("Import av upphandlingsstatistik"),
            result_template="statistics/_import_result.html",
            result_context=import_result_context,
        ),
    )
    registry.add_panel("organisation.detail", "statistics/_organisation_history.html", panels.history, order=20)
