"""The challenges area's blueprint; its commands are ``flask --app app challenges ...``."""

from flask import Blueprint

bp = Blueprint("challenges", __name__)
