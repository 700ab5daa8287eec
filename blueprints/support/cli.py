"""``flask --app app reminders send``: e-mail both sides before each session, once."""

import click

from blueprints.support.blueprint import bp


@bp.cli.command("send")
def send_reminders_command() -> None:
    """E-mail both sides of every session starting within 24 hours, once (safe to run every minute)."""
    from blueprints.support.services import send_reminders

    click.echo(f"reminders sent for {send_reminders()} sessions")
