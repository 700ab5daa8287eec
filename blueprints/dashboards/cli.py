"""``flask --app app dashboards ...``: the summary tables behind the dashboard."""

import time

import click
from flask.cli import AppGroup

from blueprints.core.db import db

dashboards_cli = AppGroup("dashboards", help="The dashboard's summary tables.")


@dashboards_cli.command("rebuild")
def rebuild_command() -> None:
    """Count every summary again from the data (after loading rows with plain SQL)."""
    started = time.perf_counter()
    click.echo(rebuild_summaries())
    click.echo(f"in {time.perf_counter() - started:.1f} s")


def rebuild_summaries() -> str:
    """Count every summary again, committing each month (a writer of that month waits only for it)."""
    from blueprints.dashboards.summaries import rebuild

    rows = rebuild(db.session.connection, each_month=db.session.commit)
    db.session.commit()
    return "summary rows: " + ", ".join(f"{name} {count}" for name, count in rows.items())
