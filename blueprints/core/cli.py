"""Core's commands: ``seed-demo`` (every area's demo data), ``outbox send|hold``, ``tasks list|run`` and
``worker``. Areas add their own commands to their blueprint's ``cli`` group."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from blueprints.core.db import db


def register_cli(app: Flask) -> None:
    """Attach core's commands to ``flask --app app``."""

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load demo organisations, users, need areas and every area's examples (safe to run again)."""
        from blueprints.core.demo import describe_demo, seed_demo

        if current_app.config["ENVIRONMENT"] == "production":
            raise click.ClickException(
                "seed-demo does not run in production (KOPKRAFT_ENV=production): the demo accounts share a "
                "published password. Create the first administrator with `flask --app app create-admin EMAIL`."
            )
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
        from blueprints.core.outbox import delivery_summary, send_outbox

        click.echo(delivery_summary(send_outbox(limit=limit)))

    app.cli.add_command(outbox)

    @outbox.command("hold")
    def hold_command() -> None:
        """Hold every e-mail not yet sent, for an admin to release (run it after restoring a backup)."""
        from blueprints.core.outbox import hold_unsent

        click.echo(f"held {hold_unsent()} e-mails; admins release them under Administration > E-postkö")

    tasks = AppGroup("tasks", help="Scheduled tasks (the worker runs them; cron may instead).")

    @tasks.command("list")
    def list_tasks_command() -> None:
        """Every task, how often it runs, and how its last run went."""
        from blueprints.core.models import ScheduledTask
        from blueprints.core.registry import areas

        for task in areas(current_app).tasks.values():
            row = db.session.get(ScheduledTask, task.name)
            last = (
                "never run"
                if row is None or row.last_started_at is None
                else f"last {row.last_started_at:%Y-%m-%d %H:%M} UTC"
            )
            outcome = "" if row is None else f": {row.last_error or row.last_result or ''}"
            click.echo(f"{task.name}  every {task.every}  {last}{outcome}")

    @tasks.command("run")
    @click.argument("names", nargs=-1)
    @click.option("--force", is_flag=True, help="Run even if not due yet (never while another host runs it).")
    def run_tasks_command(names: tuple[str, ...], force: bool) -> None:
        """Run the named tasks (all when none is named) that are due; a task another host runs is skipped."""
        from blueprints.core.jobs import worker_name
        from blueprints.core.registry import areas
        from blueprints.core.schedule import run_task

        registered = areas(current_app).tasks
        unknown = sorted(set(names) - set(registered))
        if unknown:
            raise click.BadParameter(f"unknown task {', '.join(unknown)}; known: {', '.join(registered)}")
        app_object = current_app._get_current_object()  # type: ignore[attr-defined]
        for name in names or tuple(registered):
            outcome = run_task(app_object, registered[name], runner=worker_name(), due_only=not force)
            click.echo(outcome or f"{name}: not due, or running elsewhere")

    app.cli.add_command(tasks)

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Run the queued jobs and due tasks, then stop (for cron or a test).")
    @click.option("--sleep", default=2.0, show_default=True, help="Seconds between looks at an empty queue.")
    @click.option("--no-tasks", is_flag=True, help="Run only jobs; scheduled tasks are left to cron or other workers.")
    def worker_command(once: bool, sleep: float, no_tasks: bool) -> None:
        """Run background jobs (imports, training, exports) and the scheduled tasks (outbox, reminders, purges)
        until stopped; several may run at once, on one host or several."""
        import signal
        import threading

        from blueprints.core.batch import prepare_for_bulk_work
        from blueprints.core.jobs import run_worker

        prepare_for_bulk_work()

        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())  # finish the job at hand, then stop
        app_object = current_app._get_current_object()  # type: ignore[attr-defined]
        done = run_worker(app_object, once=once, sleep=sleep, stop=stop, tasks=not no_tasks)
        click.echo(f"{done} jobs run")
