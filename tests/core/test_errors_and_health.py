"""Error pages in Swedish for every status, htmx errors in place, and the health checks."""

import pytest

from app import create_app
from blueprints.core.access import public
from tests.conftest import base_config

PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def failing_app(database_url):
    app = create_app(base_config(database_url))

    @public
    def boom():
        raise RuntimeError("kaboom")

    app.add_url_rule("/test-boom", "test_boom", boom)
    return app


def test_500_is_a_swedish_page_without_details(failing_app):
    response = failing_app.test_client().get("/test-boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Något gick fel" in html and "kaboom" not in html and "Traceback" not in html
    assert response.headers["Content-Security-Policy"]


def test_htmx_error_is_an_announced_fragment(failing_app):
    response = failing_app.test_client().get("/test-boom", headers=PARTIAL)
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert 'role="alert"' in html and "<html" not in html and "Något gick fel" in html


@pytest.mark.parametrize(
    ("method", "path", "status", "text"),
    [
        ("get", "/finns-inte", 404, "Sidan hittades inte"),
        ("put", "/login", 405, "Metoden tillåts inte"),
        ("post", "/logout", 400, "Formuläret har gått ut"),
    ],
)
def test_error_pages(client, method, path, status, text):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_403_page(client, auth, people):
    auth.login("buyer@example.org")
    response = client.get("/admin/anvandare")
    assert response.status_code == 403 and "Åtkomst nekad" in response.get_data(as_text=True)


def test_422_and_429_carry_swedish_text(client, auth, people):
    assert auth.login("buyer@example.org", "fel fel fel fel").status_code == 422
    for _ in range(9):
        auth.login("buyer@example.org", "fel fel fel fel")
    response = auth.login("buyer@example.org")
    assert response.status_code == 429 and "Försök igen om 15 minuter" in response.get_data(as_text=True)


def test_error_pages_in_english(client, auth, people):
    client.post("/sprak", data={"language": "en", "csrf_token": _token(client)})
    assert "Page not found" in client.get("/finns-inte").get_data(as_text=True)


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client)


def test_healthz(client):
    assert client.get("/healthz").status_code == 200


def test_readyz_when_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"


def test_readyz_when_database_is_down(tmp_path):
    app = create_app(base_config("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert app.test_client().get("/healthz").status_code == 200
