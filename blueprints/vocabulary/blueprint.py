"""The vocabulary area's blueprint; its commands are ``flask --app app cpv ...``."""

from flask import Blueprint

bp = Blueprint("vocabulary", __name__, cli_group="cpv")
