"""Form helpers shared by every area: status codes and domain errors placed next to fields."""

from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm

from blueprints.core.db import DomainError, db

T = TypeVar("T")


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form has errors, else 200."""
    return 422 if form.is_submitted() and form.errors else 200


def commit_or_show_error(form: FlaskForm, action: Callable[[], T]) -> T | None:
    """Run a service for a valid form and commit; on a DomainError roll back, show it on the form, return None."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        add_domain_error(form, error)
        return None
    db.session.commit()
    return result


def add_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's rule violation next to its field, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
