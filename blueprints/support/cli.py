"""Command-line commands: reminders before sessions."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup


def register_support_commands(app: Flask) -> None:
    """Attach ``flask --app app reminders send``."""
    reminders = AppGroup("reminders", help="Reminders before support sessions.")

    @reminders.command("send")
    def send_command() -> None:
        """E-mail both sides of every session starting within 24 hours, once (safe to run every minute)."""
        from blueprints.support.services import send_reminders

        # The e-mails link to pages; url_for needs a request context even for paths (BASE_URL gives the host).
        with current_app.test_request_context():
            count = send_reminders()
        click.echo(f"reminders sent for {count} sessions")

    app.cli.add_command(reminders)
