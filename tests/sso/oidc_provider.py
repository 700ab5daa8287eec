"""A real OpenID provider for the tests (the PyPI package oidc-provider-mock: Authlib's authorisation server,
with a signing key, JWKS, discovery and end-session), served on loopback, with what a test needs to make it
misbehave: rotate its key, or change the ID token it hands out (re-signed with its own key, or not at all)."""

import base64
import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import flask
import oidc_provider_mock
import requests
import werkzeug.serving
from authlib import jose  # the provider's own key type (oidc-provider-mock keeps an authlib.jose key)

from tests.conftest import serving


@functools.cache
def _process_key() -> Any:
    return jose.RSAKey.generate_key(is_private=True)


class OidcProvider:
    """The provider in a thread; ``issuer`` is its URL."""

    def __init__(self) -> None:
        # The provider makes its signing key with its app: the process's one key instead of a new one each time
        # (80 ms each); rotate_key makes a new one.
        key = _process_key()
        with mock.patch.object(jose.RSAKey, "generate_key", lambda *_args, **_kwargs: key):
            self.app = oidc_provider_mock.app(require_nonce=True)
        self.token_changes: Callable[[dict[str, Any]], dict[str, Any]] | None = None
        self.resign = True
        self.app.after_request(self._change_token)
        with self.app.test_request_context():
            self.app.preprocess_request()
            self.storage = flask.g.oidc_provider_mock_storage
        self.server = werkzeug.serving.make_server("localhost", 0, self.app, threaded=True)
        self.issuer = f"http://localhost:{self.server.server_port}"

    def set_user(self, subject: str, **claims: Any) -> None:
        """The person (claims) who signs in as ``subject``."""
        response = requests.put(f"{self.issuer}/users/{subject}", json=claims, timeout=5)
        response.raise_for_status()

    def rotate_key(self) -> None:
        """A new signing key (and only it in the JWKS): the old key's id is gone."""
        self.storage.jwk = jose.RSAKey.generate_key(is_private=True)

    def _change_token(self, response: flask.Response) -> flask.Response:
        if flask.request.path != "/oauth2/token" or self.token_changes is None or response.status_code != 200:
            return response
        body = response.get_json()
        header_b64, payload_b64, signature = body["id_token"].split(".")
        claims = self.token_changes(json.loads(_unb64(payload_b64)))
        if self.resign:
            key = self.storage.jwk
            header = {"alg": "RS256", "kid": key.as_dict()["kid"]}
            body["id_token"] = jose.jwt.encode(header, claims, key).decode()
        else:  # the payload changed under the provider's signature
            body["id_token"] = ".".join([header_b64, _b64(json.dumps(claims).encode()), signature])
        response.set_data(json.dumps(body))
        return response

    def approve(self, authorize_url: str, subject: str) -> str:
        """Sign in at the provider as ``subject`` (its consent form, over HTTP); returns where it sends the
        browser back to (the callback with code and state)."""
        response = requests.post(authorize_url, data={"sub": subject}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text
        return response.headers["Location"]


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def path_and_query(url: str) -> str:
    """``/path?query`` of an absolute URL (what a test client requests)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query_of(url: str) -> dict[str, str]:
    """The query parameters of a URL, one value each."""
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@contextmanager
def running_provider() -> Iterator[OidcProvider]:
    """A provider served for the duration of the block."""
    provider = OidcProvider()
    with serving(provider.server):
        yield provider
