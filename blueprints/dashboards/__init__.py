"""Dashboards and reporting for managers: read-only figures, charts, exports and the printable report."""

from flask import Blueprint

bp = Blueprint("dashboards", __name__)
