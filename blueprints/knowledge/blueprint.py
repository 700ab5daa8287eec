"""The knowledge area's blueprint."""

from flask import Blueprint

bp = Blueprint("knowledge", __name__)
