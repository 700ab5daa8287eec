"""Error pages in the user's language: full pages, or an announced message in place for htmx requests."""

import contextlib
import logging
import re
from typing import NoReturn

import sqlalchemy as sa
from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from blueprints.core.audit import record_event_now
from blueprints.core.db import db
from blueprints.core.htmx import is_htmx

log = logging.getLogger(__name__)

ERROR_TEXTS = {
    400: (_l("Felaktig begäran"), _l("Begäran kunde inte behandlas. Ladda om sidan och försök igen.")),
    401: (_l("Inloggning krävs"), _l("Logga in för att fortsätta.")),
    403: (_l("Åtkomst nekad"), _l("Du har inte behörighet till den här sidan.")),
    404: (_l("Sidan hittades inte"), _l("Sidan finns inte, eller så har du inte tillgång till den.")),
    405: (_l("Metoden tillåts inte"), _l("Sidan kan inte användas på det sättet.")),
    409: (_l("Konflikt"), _l("Uppgifterna har ändrats av någon annan. Ladda om sidan och försök igen.")),
    413: (_l("För stor begäran"), _l("Det du skickade är för stort. Minska filen eller texten och försök igen.")),
    422: (_l("Uppgifterna kunde inte sparas"), _l("Rätta de markerade fälten och försök igen.")),
    429: (_l("För många försök"), _l("Du har gjort för många försök. Vänta en stund och försök igen.")),
    500: (_l("Något gick fel"), _l("Ett oväntat fel inträffade. Felet är loggat; försök igen om en stund.")),
    503: (
        _l("Tjänsten är tillfälligt otillgänglig"),
        _l("Köpkraft når inte sin databas just nu. Försök igen om en stund."),
    ),
    507: (_l("Lagringen är full"), _l("Det gick inte att spara just nu. Försök igen senare.")),
}
# The database did not answer (down, restarting, out of connections, locked): the request may succeed later.
DATABASE_AWAY = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
RETRY_AFTER_SECONDS = 30
# What a form sent that is not shown again on the page that offers to send it again.
NOT_RESENT = re.compile(r"password|token", re.IGNORECASE)
CSRF_MESSAGE = _l("Formuläret har gått ut eller saknar säkerhetstoken. Ladda om sidan och försök igen.")


API_PREFIX = "/api/"


def error_response(code: int, message: str | None = None) -> Response:
    """Render the error page (or an inline alert for htmx, or ``{"error": ...}`` under /api/) with the status."""
    title, default_message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    context = {"code": code, "title": title, "message": message or default_message}
    if request.path.startswith(API_PREFIX):  # an integration reads JSON, whatever went wrong and where
        response = jsonify({"error": str(context["message"])})
        response.status_code = code
        return response
    template = "errors/inline.html" if is_htmx() else "errors/error.html"
    try:
        body = render_template(template, **context)
    except Exception:  # the page itself failed (e.g. database gone): still answer, plainly
        log.exception("Error page %s could not be rendered", code)
        body = f"<!doctype html><title>{code}</title><h1>{title}</h1><p>{context['message']}</p>"
    response = make_response(body, code)
    response.vary.add("HX-Request")
    return response


def abort_with(code: int, message: str) -> NoReturn:
    """Stop the request with ``code`` and a message for the user (shown instead of the code's general text)."""
    error = default_exceptions[code]()
    error.user_message = message  # type: ignore[attr-defined]
    raise error


def _handle_http(error: HTTPException) -> Response:
    code = error.code or 500
    if code == 403:
        record_event_now("forbidden", summary=f"{request.method} {request.path}")
    response = error_response(code, getattr(error, "user_message", None))
    if error.response is None:
        for key, value in error.get_headers():
            if key.lower() not in {"content-type", "content-length"}:
                response.headers[key] = value
    return response


def _handle_csrf(error: CSRFError) -> Response:
    record_event_now("csrf_failure", summary=f"{request.method} {request.path}: {error.description}")
    return error_response(400, str(CSRF_MESSAGE))


def _handle_database_away(error: Exception) -> Response:
    """503 with Retry-After and a page that needs no database; a form sent is offered for sending again."""
    log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        db.session.rollback()
    g.user = None  # whoever it is cannot be read now (their row expired with the rollback): answer as to anyone
    title, message = ERROR_TEXTS[503]
    if request.path.startswith(API_PREFIX) or is_htmx():
        response = error_response(503)
    else:
        resend = [
            (name, value)
            for name, value in request.form.items(multi=True)
            if request.method == "POST" and not NOT_RESENT.search(name)
        ]
        csrf = request.form.get("csrf_token")
        if resend and csrf:
            resend.append(("csrf_token", csrf))
        try:
            body = render_template("errors/unavailable.html", code=503, title=title, message=message, resend=resend)
        except Exception:  # even this page needed the database: answer plainly
            log.exception("the 503 page could not be rendered")
            body = f"<!doctype html><title>503</title><h1>{title}</h1><p>{message}</p>"
        response = make_response(body, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _end_session_even_if_the_database_went_away(_error: BaseException | None) -> None:
    """Close the request's session; when its connection died meanwhile (the rollback on closing fails), throw
    the connection away instead of failing an answer already made (a 503, or a page that was complete)."""
    try:
        db.session.remove()
    except sa.exc.SQLAlchemyError as error:
        log.warning("database connection lost while closing the session: %s", error)
        with contextlib.suppress(Exception):
            db.session().invalidate()
        db.session.registry.clear()


def _handle_unexpected(error: Exception) -> Response:
    log.exception("Unhandled error on %s %s", request.method, request.path, exc_info=error)
    db.session.rollback()
    return error_response(500)


def init_errors(app: Flask) -> None:
    """Register the handlers for every HTTP error and for unexpected exceptions."""
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InternalServerError, _handle_unexpected)
    for error in DATABASE_AWAY:
        app.register_error_handler(error, _handle_database_away)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs before it (teardowns run in reverse).
    app.teardown_appcontext(_end_session_even_if_the_database_went_away)
    app.register_error_handler(Exception, _handle_unexpected)
