"""The discovery area's blueprint."""

from flask import Blueprint

bp = Blueprint("discovery", __name__)
