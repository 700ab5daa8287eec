"""Command-line commands: reminders before sessions."""

import click
from flask import Flask
from flask.cli import AppGroup


def register_support_commands(app: Flask) -> None:
    """Attach ``flask --app app reminders send``."""
    reminders = AppGroup("reminders", help="Reminders before support sessions.")

    @reminders.command("send")
    def send_command() -> None:
        """E-mail both sides of every session starting within 24 hours, once (safe to run every minute)."""
        from blueprints.support.services import send_reminders

        click.echo(f"reminders sent for {send_reminders()} sessions")

    app.cli.add_command(reminders)
