"""Swedish by default, English switchable, and a complete English catalogue."""

import subprocess
import sys

from babel.messages.pofile import read_po

from tests.conftest import PROJECT_ROOT, csrf_token


def test_swedish_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="sv">' in html and "Logga in" in html


def test_anonymous_switch_to_english(client):
    response = client.post("/sprak", data={"language": "en", "csrf_token": csrf_token(client), "next": "/login"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html


def test_profile_language_is_saved(client, auth, people):
    auth.login("buyer@example.org")
    token = csrf_token(client)
    client.post("/profil", data={"csrf_token": token, "name": "Bengt B", "language": "en"})
    html = client.get("/profil").get_data(as_text=True)
    assert "Your profile" in html and 'value="Bengt B"' in html


def test_every_message_has_an_english_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with (PROJECT_ROOT / "translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - translated, key=str) == []
