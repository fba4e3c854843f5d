"""Every SCIM request needs a live bearer token of the organization in the URL."""

import uuid

import pytest
from django.test import Client

from security.bearer_tokens import issue_bearer_token, revoke_bearer_tokens
from security.connections import disable, enable_with_bearer_token
from tests.factories import make_organization, make_person
from tests.scim.helpers import assert_scim_error

ENDPOINTS = ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas", "/Users", "/Users/.search", "/Groups", "/Me"]


def assert_unauthorized(response):
    assert_scim_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_endpoint_without_token_is_401(organization, scim_token, base, endpoint):
    assert_unauthorized(Client().get(base + endpoint))


@pytest.mark.parametrize(
    "authorization",
    [
        "non-token",
        "Bearer ",
        "Bearer scim_AAAAAAAAAAAA_" + "a" * 43,
        "Basic dXNlcjpwYXNzd29yZA==",
        "Bearer two words",
    ],
)
def test_invalid_authorization_is_401(organization, scim_token, base, authorization):
    assert_unauthorized(Client().get(base + "/Users", HTTP_AUTHORIZATION=authorization))


def test_bearer_scheme_case_and_bare_token_pass(organization, scim_token, base):
    assert Client().get(base + "/Users", HTTP_AUTHORIZATION=f"bearer {scim_token}").status_code == 200
    assert Client().get(base + "/Users", HTTP_AUTHORIZATION=scim_token).status_code == 200


def test_revoked_token_is_401(organization, scim_token, base):
    revoke_bearer_tokens(organization)

    assert_unauthorized(Client().get(base + "/Users", HTTP_AUTHORIZATION=f"Bearer {scim_token}"))


def test_disabled_connection_is_401(organization, scim_token, base):
    disable(organization)

    assert_unauthorized(Client().get(base + "/Users", HTTP_AUTHORIZATION=f"Bearer {scim_token}"))


def test_other_organization_token_is_401(organization, scim_token, base):
    other = make_organization()
    enable_with_bearer_token(other)
    _, other_token = issue_bearer_token(other)
    person = make_person(organization)

    client = Client(HTTP_AUTHORIZATION=f"Bearer {other_token}")

    assert_unauthorized(client.get(base + "/Users"))
    assert_unauthorized(client.get(f"{base}/Users/{person.id}"))
    assert_unauthorized(client.delete(f"{base}/Users/{person.id}"))
    person.refresh_from_db()
    assert person.user_name


def test_browser_session_does_not_authenticate(admin_client, organization, base):
    assert_unauthorized(admin_client.get(base + "/Users"))


@pytest.mark.parametrize("organization_id", ["not-a-uuid", str(uuid.uuid4())])
def test_unknown_organization_is_401(scim_client, organization_id):
    assert_unauthorized(scim_client.get(f"/{organization_id}/identity_/api/scim/v2/Users"))
