"""Shared building blocks: database, htmx helpers, security, errors, i18n, e-mail outbox, audit log."""

from flask import Blueprint

bp = Blueprint("core", __name__)
