"""The support area's blueprint; its commands are ``flask --app app reminders ...``."""

from flask import Blueprint

bp = Blueprint("support", __name__, cli_group="reminders")
