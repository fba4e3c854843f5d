import os

import pytest
from django.test import Client

from security.bearer_tokens import issue_bearer_token
from security.connections import enable_with_bearer_token

# pytest-django's live server listens on this address; SCIM tests never leave loopback.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

def scim_base_path(organization):
    return f"/{organization.id}/identity_/api/scim/v2"


@pytest.fixture
def scim_token(organization):
    enable_with_bearer_token(organization)
    _, raw_token = issue_bearer_token(organization)
    return raw_token


@pytest.fixture
def scim_client(scim_token):
    """A test client that sends the organization's bearer token and Okta's Accept header."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {scim_token}", HTTP_ACCEPT="application/scim+json")


@pytest.fixture
def base(organization):
    return scim_base_path(organization)
