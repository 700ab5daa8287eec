"""Configuration from the environment (12-factor), with safe defaults."""

import os
import secrets
import sys
from pathlib import Path
from typing import Any

INSTANCE_DIR = Path(__file__).resolve().parents[2] / "instance"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _is_maintenance_command() -> bool:
    """True for `flask ...` commands other than `flask run` (db upgrade, seed-demo, outbox send ...)."""
    argv = sys.argv
    return Path(argv[0]).name == "flask" and "run" not in argv[1:] and "shell" not in argv[1:]


def database_url() -> str:
    """The database to use: DATABASE_URL, else SQLite in instance/."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'kopkraft.sqlite'}"
    # Accept the common postgres:// spelling and use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask configuration from the environment, then apply overrides (tests)."""
    overrides = overrides or {}
    debug = _flag("FLASK_DEBUG", False)
    testing = bool(overrides.get("TESTING"))
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret:
        if debug or testing:
            secret = "dev-only-insecure-secret-key"  # noqa: S105 (debug and tests only)
        elif _is_maintenance_command():
            secret = secrets.token_urlsafe(32)  # signs nothing that outlives the command
        else:
            raise RuntimeError("SECRET_KEY must be set outside debug and test mode.")
    environment = os.environ.get("KOPKRAFT_ENV", "development").strip().lower()
    config: dict[str, Any] = {
        "SECRET_KEY": secret,
        # "production" on the agency's servers (the environment file of deploy/ sets it): demo data is refused there.
        "ENVIRONMENT": environment,
        "SQLALCHEMY_DATABASE_URI": overrides.get("SQLALCHEMY_DATABASE_URI") or database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_NAME": "kopkraft_session",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Five attachments of at most 10 MB each, and the form around them.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 52 * 1024 * 1024)),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        # An export (CSV/XLSX) of more rows than this is made by the job worker, not in the request.
        "EXPORT_IN_REQUEST_ROWS": int(os.environ.get("EXPORT_IN_REQUEST_ROWS", 5000)),
        # /readyz answers 503 when less than this is free in UPLOAD_DIR (documents are up to 10 MB each).
        "UPLOAD_MIN_FREE_MB": int(os.environ.get("UPLOAD_MIN_FREE_MB", 50)),
        "MATCHING_DIR": os.environ.get("MATCHING_DIR", str(INSTANCE_DIR / "matching")),  # the learnt CPV model
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the server-side session
        "WTF_CSRF_SSL_STRICT": True,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        # Each step of an SMTP exchange waits at most this long (far less than the 10 minutes a claim on a
        # message lasts, so no other sender takes a message that is still being sent).
        "MAIL_TIMEOUT_SECONDS": float(os.environ.get("MAIL_TIMEOUT_SECONDS", 20)),
        # Mail that waited longer (a restored backup, a relay down for days) is held for an admin, not sent.
        "OUTBOX_MAX_AGE_HOURS": int(os.environ.get("OUTBOX_MAX_AGE_HOURS", 24)),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Köpkraft <noreply@kopkraft.example>"),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", 0)),
        # The time spent in the app on every response (Server-Timing): for the benchmarks and for profiling,
        # off in production, where it would tell a prober what each request did (an address that exists).
        "SERVER_TIMING": _flag("SERVER_TIMING", False),
        # Public knowledge pages kept in each process for readers without an account, by ETag (0: none kept).
        "KNOWLEDGE_PAGE_CACHE": int(os.environ.get("KNOWLEDGE_PAGE_CACHE", 512)),
        # Retention (GDPR storage limitation), in days: purged every hour by the worker's tasks.
        "OUTBOX_KEEP_DAYS": int(os.environ.get("OUTBOX_KEEP_DAYS", 30)),  # sent e-mail
        "JOBS_KEEP_DAYS": int(os.environ.get("JOBS_KEEP_DAYS", 30)),  # finished background jobs
        "SESSIONS_KEEP_DAYS": int(os.environ.get("SESSIONS_KEEP_DAYS", 30)),  # ended sign-ins, spent links
        "AUDIT_KEEP_DAYS": int(os.environ.get("AUDIT_KEEP_DAYS", 730)),  # the audit log
        # Logs: one line per event on stderr, JSON in production (for a log collector), text elsewhere.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT") or ("json" if environment == "production" else "text"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        # /metrics answers only a request with "Authorization: Bearer <METRICS_TOKEN>"; not set: no metrics page.
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ("sv", "en"),
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_WARNING_MINUTES": 5,
        "SESSION_ABSOLUTE_HOURS": 12,
        "LOGIN_MAX_FAILURES": 10,  # for one account from one client address: that pair is locked
        # From one client address, for any accounts: the address must wait. Raise it when many people sign in
        # through one address (an organisation's NAT) and the proxy setting cannot tell them apart.
        "LOGIN_MAX_FAILURES_PER_CLIENT": int(os.environ.get("LOGIN_MAX_FAILURES_PER_CLIENT", 50)),
        "LOGIN_WINDOW_MINUTES": 15,
        "LOGIN_LOCKOUT_MINUTES": 15,
        # Invitations reach people who may not read their mail at once; a reset link is asked for and used
        # within minutes, so it lives one hour (ASVS 2.5.x); at most three reset e-mails an hour per account.
        "INVITATION_TOKEN_HOURS": 72,
        "RESET_TOKEN_HOURS": 1,
        "RESET_EMAILS_PER_HOUR": 3,
        "RESET_REQUESTS_PER_CLIENT": 20,  # reset requests one client address may queue in an hour
        "API_TOKEN_DAYS": 90,  # a personal API token stops working after this; a new one is made on the profile
        # argon2id; RFC 9106's second recommended option (64 MiB, 3 passes).
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_COST": 64 * 1024,
        "ARGON2_PARALLELISM": 4,
    }
    config.update(overrides)
    return config
