"""The accounts area's blueprint."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
