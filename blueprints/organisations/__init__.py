"""Organisations: the registry of contracting authorities."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisationer")
