"""Challenges: buyers propose needs, staff review them, everyone finds them; the CPV vocabulary."""

from flask import Blueprint

bp = Blueprint("challenges", __name__)
