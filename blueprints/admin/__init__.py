"""Administration: users, need areas, the audit log and the e-mail outbox."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
