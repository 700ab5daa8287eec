"""The dashboards area's blueprint."""

from flask import Blueprint

bp = Blueprint("dashboards", __name__)
