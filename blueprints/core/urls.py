"""Absolute links to the app's pages, for e-mails and calendar files."""

from typing import Any

from flask import current_app


def public_url(endpoint: str, *, anchor: str = "", **values: Any) -> str:
    """The page's address on BASE_URL. Built from the URL map, so it needs no request: CLI commands that send
    e-mail (reminders) use it too."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path + (f"#{anchor}" if anchor else "")
