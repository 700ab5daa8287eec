"""The organisations area's blueprint."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisationer")
