"""``flask --app app cpv import FILE``: load or update the CPV labels from the EU's spreadsheet."""

from pathlib import Path

import click
import sqlalchemy as sa

from blueprints.core.db import DomainError, db
from blueprints.vocabulary.blueprint import bp
from blueprints.vocabulary.models import CpvCode


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_cpv(path: Path) -> None:
    """Load the EU's CPV spreadsheet (CODE like 03000000-1, then one column per language, SV and EN)."""
    from blueprints.vocabulary.cpv_import import import_cpv_spreadsheet

    try:
        added, updated = import_cpv_spreadsheet(path.read_bytes())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(CpvCode))
    click.echo(f"{added} nya och {updated} uppdaterade CPV-koder; {total} totalt.")
