"""``flask --app app reminders send``: e-mail both sides before each session, once; ``flask --app app documents
verify``: every document's file there and unchanged."""

import click
from flask.cli import AppGroup

from blueprints.support.blueprint import bp


@bp.cli.command("send")
def send_reminders_command() -> None:
    """E-mail both sides of every session starting within 24 hours, once (safe to run every minute)."""
    from blueprints.support.services import send_reminders

    click.echo(f"reminders sent for {send_reminders()} sessions")


documents_cli = AppGroup("documents", help="The files of support documents.")


@documents_cli.command("verify")
def verify_documents_command() -> None:
    """Check every document's file against its stored checksum (after restoring a backup); exit 1 on a problem."""
    from blueprints.support.storage import verify_documents

    count, problems = verify_documents()
    for problem in problems:
        click.echo(problem, err=True)
    click.echo(f"{count} documents, {len(problems)} with a missing or changed file")
    if problems:
        raise SystemExit(1)
