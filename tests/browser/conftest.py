"""Browser fixtures: the app served on loopback, Debian's Chromium driven by Playwright, and axe-core."""

import inspect
import os
import shutil
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI, TEST_PASSWORD, serving
from tests.knowledge.conftest import make_article, reviewer  # noqa: F401 (knowledge fixtures)
from tests.networks.conftest import make_network  # noqa: F401 (network fixture)
from tests.support.conftest import make_request, make_session, working_week  # noqa: F401 (support fixtures)

# Debian's Chromium: its headless shell (package chromium-headless-shell, the same engine without the desktop
# browser around it; about a third quicker here) when installed, else the full browser (package chromium).
CHROMIUM_BUILDS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
CHROMIUM = next((path for path in CHROMIUM_BUILDS if os.path.exists(path)), CHROMIUM_BUILDS[-1])
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _chromium_missing_reason() -> str | None:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        return "Chromium is not installed (apt-get install chromium-headless-shell, or chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


def _frames_of_the_caller(context: int = 0) -> list[inspect.FrameInfo]:
    """What ``inspect.stack(0)`` answers, read from the frames alone (``context`` is taken, as by ``inspect.stack``,
    and no source lines are read whatever it is). Playwright's sync API takes the caller's stack before every call
    (to name the call in its errors and traces); ``inspect.stack`` also looks on disk for each frame's source file,
    which under pytest's 60-odd frames cost about 38 s of CPU a run (of about 490)."""
    frames = []
    frame = sys._getframe(1)
    while frame is not None:
        frames.append(
            inspect.FrameInfo(frame, frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name, None, None)
        )
        frame = frame.f_back
    return frames


def _give_playwright_a_cheaper_stack() -> None:
    """Playwright's modules that take stacks see ``inspect`` with ``stack`` replaced by the one above (the rest of the
    run keeps the real module)."""
    from playwright._impl import _connection, _sync_base

    for module in (_connection, _sync_base):
        if getattr(module, "inspect", None) is inspect:
            module.inspect = types.SimpleNamespace(**{**vars(inspect), "stack": _frames_of_the_caller})


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    reason = _chromium_missing_reason()
    if reason:
        if IN_CI:
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    _give_playwright_a_cheaper_stack()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


@dataclass(frozen=True)
class LiveServer:
    """Where the app is served for a browser test."""

    url: str


# axe-core is served beside the app (same origin, so the pages' script-src 'self' lets it in) and kept by the
# browser: a tab compiles it once and runs it from its code cache afterwards (66 → 33 ms a page here) instead
# of being sent 570 KB of script through Playwright's pipe before every check.
AXE_PATH = "/__tests__/axe.min.js"


def _with_axe(app: Any) -> Any:
    """``app`` as a WSGI application that also answers AXE_PATH with axe-core (tests only, never the app)."""
    from axe_playwright_python.base import AXE_FILE_PATH

    script = AXE_FILE_PATH.read_bytes()

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != AXE_PATH:
            return app(environ, start_response)
        headers = [("Content-Type", "text/javascript"), ("Cache-Control", "max-age=3600")]
        start_response("200 OK", [*headers, ("Content-Length", str(len(script)))])
        return [script]

    return application


@pytest.fixture
def live_server(app, people) -> Iterator[LiveServer]:
    """The app with one user per role, served by Werkzeug in a thread on a free loopback port."""
    app.config["BASE_URL"] = "http://127.0.0.1"
    with serving(make_server("127.0.0.1", 0, _with_axe(app), threaded=True)) as server:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}")


@pytest.fixture
def page(request: pytest.FixtureRequest, browser, live_server) -> Iterator[Any]:
    """A fresh browser tab (own cookies) at 1280 px, or the width a test asks for
    (``@pytest.mark.parametrize("page", [1280, 375], indirect=True)``: a main job walked on a phone too)."""
    width = getattr(request, "param", 1280)
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url, locale="sv-SE")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.console_errors = errors
    yield tab
    context.close()


def log_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")


# Ids used more than once in the page as it is now (after any htmx swaps): a label or an error link would find
# the first element, not its own (axe 4 no longer checks this under WCAG 2.1's tags).
REPEATED_IDS = """() => {
  const seen = new Map();
  for (const element of document.querySelectorAll("[id]")) seen.set(element.id, (seen.get(element.id) || 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}"""


def axe_violations(page) -> list[dict[str, Any]]:
    """Run axe-core with the WCAG 2.1 A/AA tags, and look for repeated ids; return the violations (empty when
    the page passes)."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    # resultTypes: only violations come back with every node; passes and the rest one node each (axe's
    # default, which options given here would otherwise replace), so a big page's results are not all sent back.
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    try:
        page.add_script_tag(url=AXE_PATH)
        response = page.evaluate("options => axe.run(options)", options)
    except PlaywrightError:  # a page served elsewhere, or whose policy allows no script: axe sent in instead
        response = Axe().run(page, options=options).response
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in response["violations"]
    ]
    repeated = page.evaluate(REPEATED_IDS)
    if repeated:
        violations.append({"id": "repeated-id", "help": "Ids must be unique", "nodes": repeated[:5]})
    return violations
