"""A SAML 2.0 identity provider for the tests, built on pysaml2's IdP server.

It signs with an RSA key and self-signed certificate generated for each test
identity provider, so the service provider under test verifies real XML signatures.
"""

import base64
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from sso.saml import _xmlsec_binary

ENTITY_ID = "http://idp.test.example/metadata"
SSO_URL = "https://idp.test.example/sso"


def make_certificate(directory, *, common_name="Test IdP", not_before=None, not_after=None):
    """Write a new RSA key and self-signed certificate into `directory` and return (key_path, cert_path, pem)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_path = directory / f"{common_name.replace(' ', '-')}-key.pem"
    cert_path = directory / f"{common_name.replace(' ', '-')}-cert.pem"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    cert_path.write_text(pem)
    return key_path, cert_path, pem


class TestIdentityProvider:
    """Issues signed SAML responses to one service provider, described by its metadata XML."""

    __test__ = False

    def __init__(
        self, directory, service_provider_metadata, *, entity_id=ENTITY_ID, sso_url=SSO_URL, keep_existing_key=False
    ):
        """Sign with a new key in `directory`, or with the one already there when `keep_existing_key`."""
        self.entity_id = entity_id
        self.sso_url = sso_url
        existing = (directory / "Test-IdP-key.pem", directory / "Test-IdP-cert.pem")
        if keep_existing_key and all(path.exists() for path in existing):
            self.key_path, self.cert_path = existing
            self.certificate_pem = self.cert_path.read_text()
        else:
            self.key_path, self.cert_path, self.certificate_pem = make_certificate(directory)
        config = IdPConfig()
        config.load(
            {
                "entityid": entity_id,
                "xmlsec_binary": _xmlsec_binary(),
                "key_file": str(self.key_path),
                "cert_file": str(self.cert_path),
                "metadata": {"inline": [service_provider_metadata]},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(sso_url, BINDING_HTTP_REDIRECT), (sso_url, BINDING_HTTP_POST)]
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                        "policy": {"default": {"lifetime": {"minutes": 5}, "name_form": NAME_FORMAT_URI}},
                    }
                },
            }
        )
        self.server = Server(config=config)

    def metadata_xml(self):
        from saml2.metadata import entity_descriptor

        return str(entity_descriptor(self.server.config))

    def response_xml(
        self,
        *,
        email,
        destination,
        audience,
        in_response_to=None,
        attributes=None,
        sign_assertion=True,
        sign_response=False,
    ):
        """Return a SAML Response for `email` as XML text."""
        response = self.server.create_authn_response(
            identity=attributes or {},
            in_response_to=in_response_to,
            destination=destination,
            sp_entity_id=audience,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_assertion=sign_assertion,
            sign_response=sign_response,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
        )
        return str(response)

    @staticmethod
    def encode(xml_text):
        return base64.b64encode(xml_text.encode("utf-8")).decode("ascii")
