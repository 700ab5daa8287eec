"""The networks area's blueprint."""

from flask import Blueprint

bp = Blueprint("networks", __name__)
