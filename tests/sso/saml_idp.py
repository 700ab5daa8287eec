"""A real SAML 2.0 identity provider for the tests: pysaml2's IdP side (``saml2.server.Server``, signing with
xmlsec1), served on loopback. It reads the service provider's AuthnRequest (HTTP-Redirect) and answers with a
signed assertion in a form to POST back (HTTP-POST), for whoever the test says is signed in; a test can also
make it answer wrongly (another audience, an unsigned assertion, a short lifetime)."""

import base64
import functools
import html
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import werkzeug.serving
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary
from werkzeug.wrappers import Request, Response

from tests.conftest import serving


@functools.cache
def _key_and_certificate_pem(name: str) -> tuple[bytes, bytes]:
    """An RSA key and a self-signed certificate (valid 2000-2100) as PEM, made once per process and name (a
    2048-bit key takes about 80 ms to make; each test's IdP may use the same one)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2000, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2100, 1, 1, tzinfo=UTC))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def key_and_certificate(directory: Path, name: str) -> tuple[str, str]:
    """The RSA key and self-signed certificate of ``name``, as PEM files in ``directory``; their paths."""
    key_pem, cert_pem = _key_and_certificate_pem(name)
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(key_pem)
    cert_path.write_bytes(cert_pem)
    return str(key_path), str(cert_path)


@dataclass
class Person:
    """Who is signed in at the IdP, and the attributes it releases."""

    name_id: str
    attributes: dict[str, list[str]] = field(default_factory=dict)


class SamlIdp:
    """The identity provider in a thread; ``metadata_file`` is what the service provider is configured with."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.server = werkzeug.serving.make_server("localhost", 0, self.wsgi, threaded=True)
        self.url = f"http://localhost:{self.server.server_port}"
        self.key_file, self.cert_file = key_and_certificate(directory, "idp")
        self.person: Person | None = None
        self.audience: str | None = None  # None: the requesting SP's entity id
        self.destination: str | None = None  # None: the requesting SP's ACS
        self.other_services: list[str] = []  # metadata of other SPs the IdP knows (to answer for another audience)
        self.sign_assertion = True
        self.lifetime_minutes = 5
        self.metadata_file = str(directory / "idp-metadata.xml")
        Path(self.metadata_file).write_text(str(entity_descriptor(self._config(sp_metadata=None))))
        self.sp_metadata: str | None = None

    def _config(self, sp_metadata: str | None) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": f"{self.url}/metadata",
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(f"{self.url}/sso", BINDING_HTTP_REDIRECT)]},
                        "policy": {"default": {"lifetime": {"minutes": self.lifetime_minutes}}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
                "key_file": self.key_file,
                "cert_file": self.cert_file,
                "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
                **({"metadata": {"inline": [sp_metadata, *self.other_services]}} if sp_metadata else {}),
            }
        )
        return config

    def know_service_provider(self, sp_metadata: str) -> None:
        """Trust the service provider described by ``sp_metadata`` (as a federation's IdP would)."""
        self.sp_metadata = sp_metadata

    def answer(self, saml_request: str) -> tuple[str, str]:
        """The ACS URL and the SAMLResponse the IdP sends back for ``saml_request``, for ``person``."""
        assert self.sp_metadata is not None and self.person is not None, "no SP metadata or nobody signed in"
        idp = Server(config=self._config(self.sp_metadata))  # with the lifetime the test has set
        request = idp.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
        acs = (
            request.assertion_consumer_service_url
            or idp.metadata.assertion_consumer_service(request.issuer.text, BINDING_HTTP_POST)[0]["location"]
        )
        response = idp.create_authn_response(
            identity=self.person.attributes,
            in_response_to=request.id,
            destination=self.destination or acs,
            sp_entity_id=self.audience or request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=self.person.name_id),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_assertion=self.sign_assertion,
            sign_response=True,
        )
        value = base64.b64encode(str(response).encode()).decode()  # the HTTP-POST binding's encoding
        return acs, value

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        """GET /sso?SAMLRequest=...: a page with the answer in a form the person sends on (as IdPs without
        JavaScript do)."""
        request = Request(environ)
        if request.path != "/sso" or "SAMLRequest" not in request.args:
            return Response("not found", status=404)(environ, start_response)
        acs, value = self.answer(request.args["SAMLRequest"])
        page = (
            '<!doctype html><html lang="sv"><head><title>Test-IdP</title></head><body><main>'
            f'<form method="post" action="{html.escape(acs)}">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(value)}">'
            '<button type="submit">Fortsätt till tjänsten</button></form></main></body></html>'
        )
        return Response(page, content_type="text/html; charset=utf-8")(environ, start_response)


@contextmanager
def running_idp(directory: Path) -> Iterator[SamlIdp]:
    """An IdP served for the duration of the block."""
    idp = SamlIdp(directory)
    with serving(idp.server):
        yield idp
