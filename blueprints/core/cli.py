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

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Run the queued jobs, then stop (for cron or a test).")
    @click.option("--sleep", default=2.0, show_default=True, help="Seconds between looks at an empty queue.")
    def worker_command(once: bool, sleep: float) -> None:
        """Run background jobs (imports, training, exports) until stopped; several may run at once."""
        import signal
        import threading

        from flask import current_app

        from blueprints.core.jobs import run_worker

        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())  # finish the job at hand, then stop
        app_object = current_app._get_current_object()  # type: ignore[attr-defined]
        done = run_worker(app_object, once=once, sleep=sleep, stop=stop)
        click.echo(f"{done} jobs run")
