"""Core's commands: ``seed-demo`` (every area's demo data) and ``outbox send``. Areas add their own commands
to their blueprint's ``cli`` group."""

import click
from flask import Flask
from flask.cli import AppGroup

from blueprints.core.db import db


def register_cli(app: Flask) -> None:
    """Attach core's commands to ``flask --app app``."""

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load demo organisations, users, need areas and every area's examples (safe to run again)."""
        from blueprints.core.demo import describe_demo, seed_demo

        created = seed_demo()
        db.session.commit()
        click.echo(f"Demo data ready ({created} new rows).")
        for line in describe_demo():
            click.echo(line)

    outbox = AppGroup("outbox", help="The e-mail outbox.")

    @outbox.command("send")
    @click.option("--limit", default=100, show_default=True, help="At most this many e-mails per run.")
    def send_command(limit: int) -> None:
        """Deliver queued e-mails over SMTP (safe to run every minute, and concurrently)."""
        from blueprints.core.outbox import send_outbox

        counts = send_outbox(limit=limit)
        click.echo(f"sent {counts['sent']}, retry later {counts['retry']}, failed {counts['failed']}")

    app.cli.add_command(outbox)
