"""Security baseline applied to every response, and helpers for safe redirects."""

import time
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from flask_babel import gettext

from blueprints.core.errors import abort_with

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def is_safe_next_url(target: str | None) -> bool:
    """True only for a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next_url(candidate: str | None, fallback: str) -> str:
    """``candidate`` when it is a path on this site, else ``fallback`` (no open redirects)."""
    return candidate if candidate is not None and is_safe_next_url(candidate) else fallback


def apply_security_headers(response: Response) -> Response:
    """Set CSP, nosniff, referrer policy, HSTS (over HTTPS) and no-store for everything but static files."""
    headers = response.headers
    if "Content-Security-Policy" not in headers:  # a view may set a stricter one (an e-mail's HTML, say)
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static" and not g.get("public_cache"):
        # Pages carry CSRF tokens and, once signed in, personal data: never stored by browsers or proxies (a
        # public page rendered without either, for readers without an account, says its own Cache-Control).
        headers["Cache-Control"] = "no-store"
    return response


def refuse_nul_bytes() -> None:
    """Answer 400 to a request whose query or form holds a NUL byte: no text field takes one, and PostgreSQL
    refuses it in any statement (a search for it would fail the whole request)."""
    fields = [*request.args.items(multi=True)]
    if request.method in {"POST", "PUT", "PATCH"} and request.mimetype in FORM_TYPES:
        fields += request.form.items(multi=True)
    if any("\x00" in key or "\x00" in value for key, value in fields):
        abort_with(400, gettext("Begäran innehåller ett otillåtet tecken (NUL). Ta bort det och försök igen."))


def _server_timing(response: Response) -> Response:
    """Report the time spent in the app (Server-Timing) when SERVER_TIMING is on: the benchmarks read it."""
    started = g.get("request_started")
    if started is not None and current_app.config["SERVER_TIMING"]:
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


def init_security(app: Flask) -> None:
    """Install the header hooks (they run for pages, partials, errors and static files)."""
    app.before_request(refuse_nul_bytes)
    app.after_request(apply_security_headers)
    app.after_request(_server_timing)
