"""Buyer networks: matching suggestions, networks, membership, activities, and the matching API."""

from flask import Blueprint

bp = Blueprint("networks", __name__)
