import os
import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from security.bearer_tokens import issue_bearer_token
from security.connections import enable_with_bearer_token
from tests.factories import make_organization
from tests.scim.helpers import send

# pytest-django's live server listens on this address; SCIM tests never leave loopback.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


def scim_base_path(organization):
    return f"/{organization.id}/identity_/api/scim/v2"


@pytest.fixture
def organization_with_token(transactional_db):
    """Return (organization, raw bearer token) for tests whose SCIM writes overlap in threads."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers, so two writes cannot overlap there.")
    organization = make_organization()
    enable_with_bearer_token(organization)
    _, raw_token = issue_bearer_token(organization)
    return organization, raw_token


def run_together(raw_token, requests):
    """Send each (method, path, body) from its own thread at the same moment; return the statuses, sorted."""
    barrier = threading.Barrier(len(requests))
    statuses = []

    def run(method, path, body):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
        barrier.wait()
        statuses.append(send(client, method, path, body).status_code)
        connection.close()

    threads = [threading.Thread(target=run, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


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


@pytest.fixture
def request_check_queries(scim_client, base):
    """Return how many queries every SCIM request runs before its own work, on /ServiceProviderConfig.

    The first request of a token also records when the token and the connection were
    last used. The second, measured here, is the steady state of a busy client.
    """
    assert scim_client.get(base + "/ServiceProviderConfig").status_code == 200
    with CaptureQueriesContext(connection) as context:
        assert scim_client.get(base + "/ServiceProviderConfig").status_code == 200
    return len(context.captured_queries)
