"""One way through every view that changes something: run the service, commit once, and answer a broken rule.

A view calls ``perform(service_call, form=form)`` or ``perform(service_call, back=url)``:

- the service succeeds: the transaction is committed and its result returned;
- it raises a ``DomainError`` and a form was given: the transaction is rolled back, the message is shown next
  to its field (or above the form) and ``None`` is returned, so the view renders the form again with
  ``form_status`` (422);
- it raises a ``DomainError`` without a form: the transaction is rolled back and the error goes on to the
  app's handler here, which answers it the way the request expects: JSON for the API, an announced alert for
  an htmx request, the error page for "no such thing" (400, 404), and otherwise the message as a flash on the
  page named by ``back`` (or the page the request came from).
"""

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, flash, redirect, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from blueprints.core.access import access_policy, json_error
from blueprints.core.db import DomainError, db
from blueprints.core.errors import error_response
from blueprints.core.htmx import is_htmx
from blueprints.core.security import safe_next_url

T = TypeVar("T")


def perform(action: Callable[[], T], *, form: FlaskForm | None = None, back: str | None = None) -> T | None:
    """Run ``action`` (a service call) and commit; see the module's docstring for what a DomainError does."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        if form is None:
            error.back = back
            raise
        add_domain_error(form, error)
        return None
    db.session.commit()
    return result


def add_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's rule violation next to its field, or above the form; ``form_status`` answers with its
    status (409 for a time taken meanwhile, say)."""
    form.domain_error_status = error.status_code
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def form_status(form: FlaskForm) -> int:
    """For a form shown again: the status of the rule a service found broken, 422 when a submitted form has
    other errors, else 200."""
    if not (form.is_submitted() and form.errors):
        return 200
    return getattr(form, "domain_error_status", 422)


def _is_api_request() -> bool:
    return request.endpoint is not None and (access_policy(request.endpoint) or ("",))[0] == "api"


def answer_domain_error(error: DomainError) -> ResponseReturnValue:
    """The response to a broken rule that no form showed."""
    db.session.rollback()
    if _is_api_request():
        return json_error(error.status_code, error.message)
    if is_htmx() or error.status_code in (400, 404):
        return error_response(error.status_code, error.message)
    flash(error.message, "error")
    back = error.back or safe_next_url(_same_site_referrer(), request.script_root + "/")
    return redirect(back, 303)


def _same_site_referrer() -> str | None:
    referrer = request.referrer or ""
    host = request.host_url
    return referrer[len(host) - 1 :] if referrer.startswith(host) else None


def init_actions(app: Flask) -> None:
    """Answer every DomainError that reaches the app."""
    app.register_error_handler(DomainError, answer_domain_error)
