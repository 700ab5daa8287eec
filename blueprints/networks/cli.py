"""``flask --app app matching train``: fit the CPV model from the database and make it the current one."""

import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from blueprints.core.batch import prepare_for_bulk_work
from blueprints.core.db import DomainError
from blueprints.networks.training import train_and_save

matching_cli = AppGroup("matching", help="The matching engine's learnt CPV model.")


@matching_cli.command("train")
def train_command() -> None:
    """Learn CPV codes from the procurement statistics and reviewed challenges (prints progress)."""
    prepare_for_bulk_work()
    try:
        info = train_and_save(lambda done, total, stage: click.echo(f"  {stage}", err=True))
    except DomainError as error:
        click.echo(error.message, err=True)
        sys.exit(1)
    scores = ", ".join(f"{name} {value:.2f}" for name, value in info.scores.items())
    click.echo(
        _(
            "Modellen %(name)s tränad på %(rows)s texter (%(groups)s CPV-grupper) på %(seconds)s s. "
            "Träffsäkerhet på köpare som hölls utanför: %(scores)s.",
            name=info.name,
            rows=info.rows,
            groups=info.groups,
            seconds=f"{info.training_seconds:.0f}",
            scores=scores,
        )
    )
