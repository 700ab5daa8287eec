"""The support area's views, split by job: requests (buyers ask, everyone reads), triage (staff decide),
booking (the week view), sessions (follow-up, feedback) and availability (a facilitator's calendar)."""

from blueprints.support.views import availability, booking, requests, sessions, triage

__all__ = ["availability", "booking", "requests", "sessions", "triage"]
