"""``flask --app app statistics import FILE [FILE ...]``: import Statistikdatabasen exports, each file all or
nothing, with progress and a report; the exit code is 1 when a file was refused."""

import sys
from pathlib import Path

import click
from flask_babel import gettext as _

from blueprints.core.db import DomainError, db
from blueprints.statistics.blueprint import bp
from blueprints.statistics.files import LAYOUT_NAMES
from blueprints.statistics.imports import ImportRefused, import_file
from blueprints.statistics.models import UNVERIFIED


def _progress(done: int, total: int, stage: str) -> None:
    click.echo(f"  {stage}", err=True)


@bp.cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-known", is_flag=True, help="Skip a file whose exact contents were imported before.")
def import_statistics(paths: tuple[Path, ...], skip_known: bool) -> None:
    """Import Statistikdatabasen exports (XLSX or CSV, any year and layout)."""
    from blueprints.core.batch import prepare_for_bulk_work
    from blueprints.statistics.queries import already_imported

    prepare_for_bulk_work()
    refused = False
    for path in paths:
        content = path.read_bytes()
        if skip_known and already_imported(content):
            click.echo(f"{path.name}: redan importerad, hoppas över.")
            continue
        click.echo(f"{path.name}:", err=True)
        try:
            record = import_file(filename=path.name, content=content, progress=_progress)
        except ImportRefused as error:
            db.session.rollback()
            refused = True
            click.echo(error.message, err=True)
            for refusal in error.refusals[:200]:
                click.echo(f"  rad {refusal.row}: {_(refusal.message, **refusal.params)}", err=True)
            continue
        except DomainError as error:
            db.session.rollback()
            refused = True
            click.echo(f"{path.name}: {error.message}", err=True)
            continue
        db.session.commit()
        click.echo(_summary(record))
    if refused:
        sys.exit(1)


def _summary(record: object) -> str:
    r = record
    lines = [
        f"{r.filename} ({LAYOUT_NAMES[r.layout]}, {r.years}): {r.rows} rader, {r.created} nya, "  # type: ignore[attr-defined]
        f"{r.updated} ändrade, {r.unchanged} oförändrade; {r.organisations_created} nya organisationer."  # type: ignore[attr-defined]
    ]
    for code, count in sorted(r.report.get("unverified", {}).items()):  # type: ignore[attr-defined]
        lines.append(f"  {count} rader: {UNVERIFIED[code].lower()} (sparade, markerade som ej verifierade)")
    return "\n".join(lines)
