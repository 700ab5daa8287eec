"""``flask --app app challenges import FILE``: import challenges from CSV or XLSX, every row or none."""

import sys
from pathlib import Path

import click

from blueprints.challenges.blueprint import bp
from blueprints.core.db import DomainError, db


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_challenges(path: Path) -> None:
    """Import a CSV or XLSX file of challenges: every row, or none if any row has a problem."""
    from blueprints.challenges.imports import check_file, import_preview
    from blueprints.core.batch import prepare_for_bulk_work

    prepare_for_bulk_work()
    try:
        preview = check_file(path.name, path.read_bytes())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    for problem in preview.file_problems:
        click.echo(problem, err=True)
    for row in preview.problem_rows[:200]:
        click.echo(f"rad {row.number}: {'; '.join(row.problems)}", err=True)
    if not preview.ok:
        click.echo(f"{len(preview.problem_rows)} rader har fel; inget har sparats.", err=True)
        sys.exit(1)
    count = import_preview(preview, actor=None)
    db.session.commit()
    click.echo(f"{count} utmaningar importerade, {preview.skipped} fanns redan.")
