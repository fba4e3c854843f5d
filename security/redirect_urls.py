"""Rules for the OAuth redirect URL an administrator registers in the Enable SCIM wizard."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1"})


def is_loopback_http_url(url):
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def validate_redirect_url(url):
    """Accept an absolute https URL, or http on localhost or 127.0.0.1, with no fragment or user info.

    RFC 6749 §3.1.2 forbids a fragment; user info would let a look-alike URL pass a
    reader's eye. The URL is later matched character for character.
    """
    URLValidator(schemes=["http", "https"])(url)
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback_http_url(url):
        raise ValidationError(
            "Use an https URL; http is accepted only for localhost and 127.0.0.1.", code="insecure_scheme"
        )
    if "#" in url:
        raise ValidationError("Remove the fragment (the part after #) from the URL.", code="fragment")
    if "@" in parts.netloc:
        raise ValidationError("Remove the user name and password from the URL.", code="userinfo")
    if any(character.isspace() for character in url):
        raise ValidationError("Remove the spaces from the URL.", code="whitespace")
