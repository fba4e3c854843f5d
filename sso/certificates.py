"""Reading the identity provider's X.509 signing certificate."""

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from django.core.exceptions import ValidationError
from django.utils import timezone

# The Security page warns this long before the signing certificate expires.
EXPIRY_WARNING_PERIOD = timedelta(days=30)

_PEM_ARMOR = re.compile(r"-----(BEGIN|END) CERTIFICATE-----")


@dataclass(frozen=True)
class CertificateSummary:
    subject: str
    not_valid_after: datetime

    @property
    def expires_soon(self):
        return self.not_valid_after - timezone.now() <= EXPIRY_WARNING_PERIOD


def normalize_certificate(text):
    """Return `text`, a PEM certificate or its bare base64 body, as canonical PEM.

    Raises ValidationError with code `invalid_certificate` when it does not parse,
    and `expired_certificate` when its validity period has ended.
    """
    body = "".join(_PEM_ARMOR.sub("", text).split())
    try:
        der = base64.b64decode(body, validate=True)
        certificate = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError):
        raise ValidationError(
            "The signing certificate is not a valid X.509 certificate. Paste the PEM text "
            "from the identity provider, including the BEGIN and END lines.",
            code="invalid_certificate",
        )
    if certificate.not_valid_after_utc <= timezone.now():
        raise ValidationError(
            "The signing certificate expired on %(date)s. Download the current certificate from the identity provider.",
            code="expired_certificate",
            params={"date": certificate.not_valid_after_utc.strftime("%Y-%m-%d %H:%M UTC")},
        )
    lines = [body[index : index + 64] for index in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def pem_body(pem):
    """Return the base64 body of a PEM certificate on one line, as SAML metadata carries it."""
    return "".join(_PEM_ARMOR.sub("", pem).split())


def summarize_certificate(pem):
    certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
    return CertificateSummary(subject=certificate.subject.rfc4514_string(), not_valid_after=certificate.not_valid_after_utc)
