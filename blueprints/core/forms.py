"""Form helpers shared by every area: status codes and domain errors placed next to fields."""

from flask_wtf import FlaskForm

from blueprints.core.db import DomainError


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form has errors, else 200."""
    return 422 if form.is_submitted() and form.errors else 200


def add_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's rule violation next to its field, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
