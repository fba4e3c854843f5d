"""Helpers shared by the OAuth 2.0 tests: set up a client and walk the authorization code flow."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

from security.connections import configure
from security.models import ScimConnection
from security.scim_endpoints import authorization_endpoint_url

REDIRECT_URL = "https://idp.example.test/oauth/callback"


def configure_authorization_code(organization, administrator, redirect_url=REDIRECT_URL):
    credentials = configure(
        organization,
        method=ScimConnection.Method.OAUTH_AUTHORIZATION_CODE,
        configured_by=administrator,
        redirect_url=redirect_url,
    )
    return credentials.client_id, credentials.client_secret


def configure_client_credentials(organization, administrator):
    credentials = configure(
        organization, method=ScimConnection.Method.OAUTH_CLIENT_CREDENTIALS, configured_by=administrator
    )
    return credentials.client_id, credentials.client_secret


def authorize_path(organization, client_id, *, redirect_uri=REDIRECT_URL, state="state-1", **extra):
    """Return the path and query of an authorization request built on the wizard's URL."""
    url = authorization_endpoint_url(organization)
    path = url[url.index("/", len("https://")) :]
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": state, **extra}
    from urllib.parse import urlencode

    return f"{path}&{urlencode(query)}"


def query_of(location):
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def basic_auth(client_id, client_secret):
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge
