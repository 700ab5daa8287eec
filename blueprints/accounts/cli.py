"""Accounts' command: ``flask --app app create-admin EMAIL``, the first administrator without the demo data."""

import click
from flask.cli import with_appcontext

from blueprints.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from blueprints.core.db import db


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--name", default="", help="The person's name (the e-mail address if not given).")
@click.option(
    "--link",
    is_flag=True,
    help="E-mail a one-time link to choose the password (also printed) instead of asking for it here.",
)
def create_admin_command(email: str, name: str, link: bool) -> None:
    """Create an administrator, or make an existing account an active administrator."""
    from email_validator import EmailNotValidError, validate_email

    from blueprints.accounts.services import create_admin

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    password = None if link else _ask_for_password()
    user, sent_link = create_admin(email=email, name=name, password=password)
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")
    if sent_link:
        click.echo(f"A link to choose the password was queued for e-mail; it is also valid here: {sent_link}")


def _ask_for_password() -> str:
    while True:
        password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
            return password
        click.echo(f"The password must have {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters.", err=True)
