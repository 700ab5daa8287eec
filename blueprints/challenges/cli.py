"""Commands: `flask challenges import FILE` and `flask cpv import FILE`."""

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from blueprints.core.db import DomainError, db


def register_challenge_commands(app: Flask) -> None:
    """Attach the challenge and CPV commands."""
    challenges = AppGroup("challenges", help="Challenges.")
    cpv = AppGroup("cpv", help="The CPV vocabulary.")

    @challenges.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_challenges(path: Path) -> None:
        """Import a CSV or XLSX file of challenges: every row, or none if any row has a problem."""
        from blueprints.challenges.imports import check_file, import_preview

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

    @cpv.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_cpv(path: Path) -> None:
        """Load the EU's CPV spreadsheet (CODE like 03000000-1, then one column per language, SV and EN)."""
        from blueprints.challenges.cpv_import import import_cpv_spreadsheet

        try:
            added, updated = import_cpv_spreadsheet(path.read_bytes())
        except DomainError as error:
            raise click.ClickException(error.message) from error
        db.session.commit()
        total = db.session.scalar(sa.text("SELECT count(*) FROM cpv_code"))
        click.echo(f"{added} nya och {updated} uppdaterade CPV-koder; {total} totalt.")

    app.cli.add_command(challenges)
    app.cli.add_command(cpv)
