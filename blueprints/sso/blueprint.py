"""The sign-in-through-a-provider area's blueprint."""

from flask import Blueprint

bp = Blueprint("sso", __name__)
