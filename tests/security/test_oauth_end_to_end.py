"""SCIM with OAuth 2.0 and bearer tokens against a live server, through requests-oauthlib.

The administrator signs in and runs the wizard over HTTP; the identity provider's
side is requests-oauthlib's OAuth2Session. The redirect URL is never contacted: the
tests read the authorization response from the Location header.
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone
from oauth2_provider.models import AccessToken
from oauthlib.oauth2 import BackendApplicationClient, InvalidClientError, InvalidGrantError
from requests.auth import HTTPBasicAuth
from requests_oauthlib import OAuth2Session

from accounts.models import Person
from tests.factories import activate_saml_sso, make_administrator, make_organization
from tests.security.live_portal import LiveAdministrator, shown_values

REDIRECT_URL = "https://system-admin.okta.example.test/admin/app/cpc/portal/oauth/callback"
SCIM2_COMMAND = Path(sys.executable).parent / "scim2"

os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


def query_of(url):
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def new_user(user_name):
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": user_name,
        "externalId": f"okta-{user_name}",
        "displayName": "Ada Lovelace",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"type": "work", "value": user_name, "primary": True}],
        "active": True,
    }


def scim_get(url, token):
    return requests.get(f"{url}/Users", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def live(live_server, settings, monkeypatch):
    """The live server's base URL, which the wizard then prints in its values."""
    settings.PUBLIC_BASE_URL = live_server.url
    # The token endpoint of the live server is plain http on 127.0.0.1.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    return live_server.url


@pytest.fixture
def portal(live, transactional_db):
    organization = make_organization()
    activate_saml_sso(organization)
    administrator = LiveAdministrator(live, organization, make_administrator(organization))
    yield administrator
    administrator.session.close()


def authorize(portal, values, **session_options):
    """Run authorize -> consent -> code -> token; return (OAuth2Session, token)."""
    oauth = OAuth2Session(values["client_id"], redirect_uri=REDIRECT_URL, **session_options)
    # The configured URL already carries scope and acr_values, as Okta uses it.
    authorization_url, state = oauth.authorization_url(values["authorization_endpoint_uri"])
    response = portal.consent(authorization_url)
    assert response.status_code == 302, response.text
    assert response.headers["Location"].startswith(REDIRECT_URL + "?")
    assert query_of(response.headers["Location"])["state"] == state
    token = oauth.fetch_token(
        values["token_endpoint_uri"],
        authorization_response=response.headers["Location"],
        client_secret=values["client_secret"],
    )
    return oauth, token


def test_authorization_code_flow_end_to_end(portal):
    values = portal.configure("oauth_authorization_code", REDIRECT_URL)
    assert values["authorization_endpoint_uri"].endswith(
        f"/identity_/connect/authorize?scope=PM.Scim&acr_values=tenantName:{portal.organization.name}"
    )

    oauth, token = authorize(portal, values)
    assert token["scope"] == ["PM.Scim"]
    assert token["expires_in"] == 3600

    created = oauth.post(f"{values['scim_url']}/Users", json=new_user("ada@example.com"))
    assert created.status_code == 201, created.text
    assert oauth.get(f"{values['scim_url']}/Users").json()["totalResults"] == 2
    person = Person.objects.get(organization=portal.organization, user_name="ada@example.com")
    assert person.source == Person.Source.DIRECTORY
    users_page = portal.session.get(f"{portal.base_url}/{portal.organization.name}/admin/accounts/users/")
    assert "ada@example.com" in users_page.text

    old_access_token = token["access_token"]
    refreshed = oauth.refresh_token(
        values["token_endpoint_uri"], auth=HTTPBasicAuth(values["client_id"], values["client_secret"])
    )
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert oauth.get(f"{values['scim_url']}/Users").status_code == 200
    assert scim_get(values["scim_url"], old_access_token).status_code == 401

    confirmed = portal.post_form("scim/confirm/")
    assert confirmed.status_code == 200
    assert 'data-status="enabled">Enabled<' in confirmed.text

    regenerated = portal.post_form("scim/client-secret/")
    assert regenerated.status_code == 200
    assert oauth.get(f"{values['scim_url']}/Users").status_code == 401
    with pytest.raises(InvalidClientError):
        oauth.refresh_token(
            values["token_endpoint_uri"], auth=HTTPBasicAuth(values["client_id"], values["client_secret"])
        )


def test_remove_scim_stops_oauth_tokens(portal):
    values = portal.configure("oauth_authorization_code", REDIRECT_URL)
    oauth, token = authorize(portal, values)
    assert oauth.get(f"{values['scim_url']}/Users").status_code == 200

    removed = portal.post_form("scim/remove/")

    assert removed.status_code == 200
    assert oauth.get(f"{values['scim_url']}/Users").status_code == 401
    with pytest.raises(InvalidClientError):
        oauth.refresh_token(
            values["token_endpoint_uri"], auth=HTTPBasicAuth(values["client_id"], values["client_secret"])
        )
    assert Person.objects.filter(organization=portal.organization).count() == 1


def test_client_secret_in_form_body(portal):
    values = portal.configure("oauth_authorization_code", REDIRECT_URL)
    oauth = OAuth2Session(values["client_id"], redirect_uri=REDIRECT_URL)
    authorization_url, _ = oauth.authorization_url(values["authorization_endpoint_uri"])
    location = portal.consent(authorization_url).headers["Location"]

    token = oauth.fetch_token(
        values["token_endpoint_uri"],
        authorization_response=location,
        client_secret=values["client_secret"],
        include_client_id=True,
    )

    assert oauth.get(f"{values['scim_url']}/Users").status_code == 200
    assert token["token_type"] == "Bearer"


def test_reused_code_is_invalid_grant(portal):
    values = portal.configure("oauth_authorization_code", REDIRECT_URL)
    oauth = OAuth2Session(values["client_id"], redirect_uri=REDIRECT_URL)
    authorization_url, _ = oauth.authorization_url(values["authorization_endpoint_uri"])
    location = portal.consent(authorization_url).headers["Location"]
    oauth.fetch_token(values["token_endpoint_uri"], authorization_response=location, client_secret=values["client_secret"])

    with pytest.raises(InvalidGrantError):
        OAuth2Session(values["client_id"], redirect_uri=REDIRECT_URL, state=query_of(location)["state"]).fetch_token(
            values["token_endpoint_uri"], authorization_response=location, client_secret=values["client_secret"]
        )


def test_pkce_s256_end_to_end(portal):
    values = portal.configure("oauth_authorization_code", REDIRECT_URL)

    oauth, _ = authorize(portal, values, pkce="S256")

    assert oauth.get(f"{values['scim_url']}/Users").status_code == 200


def test_wrong_inputs_get_rfc_errors(portal):
    values = portal.configure("oauth_authorization_code", REDIRECT_URL)
    organization = portal.organization
    oauth = OAuth2Session(values["client_id"], redirect_uri=REDIRECT_URL)
    good_url, _ = oauth.authorization_url(values["authorization_endpoint_uri"])

    bad_redirect, _ = OAuth2Session(values["client_id"], redirect_uri=REDIRECT_URL + "/x").authorization_url(
        values["authorization_endpoint_uri"]
    )
    response = portal.consent(bad_redirect)
    assert response.status_code == 400
    assert "Location" not in response.headers

    # requests-oauthlib percent-encodes the colon of the configured query.
    assert f"acr_values=tenantName%3A{organization.name}" in good_url
    wrong_tenant = good_url.replace(f"tenantName%3A{organization.name}", "tenantName%3Aanother-org")
    response = portal.consent(wrong_tenant)
    assert response.status_code == 302
    assert query_of(response.headers["Location"])["error"] == "invalid_request"

    unknown_scope = good_url.replace("scope=PM.Scim", "scope=PM.Scim+PM.Admin")
    response = portal.consent(unknown_scope)
    assert query_of(response.headers["Location"])["error"] == "invalid_scope"

    response = portal.consent(good_url, allow=False)
    assert query_of(response.headers["Location"])["error"] == "access_denied"

    other = make_organization()
    activate_saml_sso(other)
    LiveAdministrator(portal.base_url, other, make_administrator(other)).configure(
        "oauth_authorization_code", REDIRECT_URL
    )
    other_url = good_url.replace(f"/{organization.name}/", f"/{other.name}/").replace(
        f"tenantName%3A{organization.name}", f"tenantName%3A{other.name}"
    )
    other_admin = make_administrator(other)
    response = LiveAdministrator(portal.base_url, other, other_admin).consent(other_url)
    assert response.status_code == 400
    assert "Location" not in response.headers

    _, token = authorize(portal, values)
    other_token_url = values["token_endpoint_uri"].replace(str(organization.id), str(other.id))
    refreshed = requests.post(
        other_token_url,
        {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=(values["client_id"], values["client_secret"]),
    )
    assert refreshed.status_code == 401
    assert refreshed.json()["error"] == "invalid_client"
    other_scim_url = values["scim_url"].replace(str(organization.id), str(other.id))
    assert scim_get(other_scim_url, token["access_token"]).status_code == 401

    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert scim_get(values["scim_url"], token["access_token"]).status_code == 401


def test_bearer_token_end_to_end(portal):
    values = portal.configure("bearer_token")
    first = values["bearer_token"]
    assert scim_get(values["scim_url"], first).status_code == 200

    issued = portal.post_form("scim/bearer-tokens/", {"expiry": "90d"})
    second = shown_values(issued.text)["bearer_token"]
    assert scim_get(values["scim_url"], first).status_code == 200
    assert scim_get(values["scim_url"], second).status_code == 200

    prefix = first.split("_")[1]
    portal.post_form(f"scim/bearer-tokens/{prefix}/revoke/")
    assert scim_get(values["scim_url"], first).status_code == 401
    assert scim_get(values["scim_url"], second).status_code == 200

    portal.post_form("scim/remove/")
    assert scim_get(values["scim_url"], second).status_code == 401


def test_client_credentials_end_to_end(portal):
    values = portal.configure("oauth_client_credentials")
    assert "authorization_endpoint_uri" not in values
    oauth = OAuth2Session(client=BackendApplicationClient(client_id=values["client_id"]))

    token = oauth.fetch_token(
        values["token_endpoint_uri"], client_id=values["client_id"], client_secret=values["client_secret"]
    )

    assert token["scope"] == ["PM.Scim"]
    assert "refresh_token" not in token
    assert oauth.get(f"{values['scim_url']}/Users").status_code == 200
    portal.post_form("scim/client-secret/")
    assert oauth.get(f"{values['scim_url']}/Users").status_code == 401
    with pytest.raises(InvalidClientError):
        OAuth2Session(client=BackendApplicationClient(client_id=values["client_id"])).fetch_token(
            values["token_endpoint_uri"], client_id=values["client_id"], client_secret=values["client_secret"]
        )


def test_scim2_tester_with_oauth_access_token(portal):
    values = portal.configure("oauth_authorization_code", REDIRECT_URL)
    _, token = authorize(portal, values)

    result = subprocess.run(
        [str(SCIM2_COMMAND), "--url", values["scim_url"], "test"],
        env={**os.environ, "SCIM_CLI_HEADERS": f"Authorization: Bearer {token['access_token']}"},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "ERROR" not in result.stdout
