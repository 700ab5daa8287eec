"""The site area's blueprint."""

from flask import Blueprint

bp = Blueprint("site", __name__)
