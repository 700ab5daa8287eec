"""The statistics area's blueprint; its commands are ``flask --app app statistics ...``."""

from flask import Blueprint

bp = Blueprint("statistics", __name__)
