"""htmx 4 helpers: detect partial requests and render a template or one of its named blocks."""

from typing import Any

from flask import Response, current_app, make_response, request
from flask.templating import render_template
from jinja2 import Environment


def is_htmx() -> bool:
    """True when htmx sent the request (any kind)."""
    return request.headers.get("HX-Request") == "true"


def is_partial() -> bool:
    """True when htmx asks for a fragment (boosted and history requests send ``full``)."""
    return is_htmx() and request.headers.get("HX-Request-Type") == "partial"


def render_block(template_name: str, block_name: str, **context: Any) -> str:
    """Render one named block of a template alone (the template-fragments pattern)."""
    env: Environment = current_app.jinja_env
    template = env.get_template(template_name)
    current_app.update_template_context(context)
    block = template.blocks[block_name]
    return "".join(block(template.new_context(context)))


def render(template_name: str, *, block: str | None = None, status: int = 200, **context: Any) -> Response:
    """Render the page, or only ``block`` for a partial htmx request; always varies on the request type."""
    if block and is_partial():
        body = render_block(template_name, block, **context)
    else:
        body = render_template(template_name, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request-Type")
    return response
