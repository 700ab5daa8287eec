"""Facilitator support: requests with diarienummer, triage, availability, bookings, calendar and feedback."""

from flask import Blueprint

bp = Blueprint("support", __name__)
