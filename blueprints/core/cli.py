"""Command-line commands: seed-demo, outbox send, and each area's own."""

import click
from flask import Flask
from flask.cli import AppGroup

from blueprints.core.db import db


def register_cli(app: Flask) -> None:
    """Attach the commands to ``flask --app app``."""

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load demo organisations, users and need areas (safe to run again)."""
        from blueprints.core.demo import DEMO_PASSWORD, seed_demo

        created = seed_demo()
        db.session.commit()
        click.echo(f"Demo data ready ({created} new rows). Accounts (password {DEMO_PASSWORD}):")
        from blueprints.core.demo import DEMO_USERS

        for email, _name, roles, _org in DEMO_USERS:
            click.echo(f"  {email:28} {', '.join(roles)}")

    outbox = AppGroup("outbox", help="The e-mail outbox.")

    @outbox.command("send")
    @click.option("--limit", default=100, show_default=True, help="At most this many e-mails per run.")
    def send_command(limit: int) -> None:
        """Deliver queued e-mails over SMTP (safe to run every minute, and concurrently)."""
        from blueprints.core.outbox import send_outbox

        counts = send_outbox(limit=limit)
        click.echo(f"sent {counts['sent']}, retry later {counts['retry']}, failed {counts['failed']}")

    app.cli.add_command(outbox)

    from blueprints.challenges.cli import register_challenge_commands

    register_challenge_commands(app)

    from blueprints.support.cli import register_support_commands

    register_support_commands(app)
