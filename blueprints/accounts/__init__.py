"""Accounts: login, logout, server-side sessions, invitations, password reset, profile, access decorators."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
