"""The health check of uipath_identity.postgresql: no round trip unless the server sent something."""

import select
import time

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client

from security.bearer_tokens import issue_bearer_token
from security.connections import enable_with_bearer_token
from tests.factories import make_organization
from tests.scim.conftest import scim_base_path

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("The backend serves PostgreSQL only.")


@pytest.fixture
def full_checks(monkeypatch):
    """Count the `SELECT 1` checks of Django's own backend."""
    calls = []
    backend_class = type(connections["default"])
    real_is_usable = backend_class.is_usable

    def is_usable(self):
        calls.append(self.alias)
        return real_is_usable(self)

    monkeypatch.setattr(backend_class, "is_usable", is_usable)
    return calls


def terminate_server_side(database_connection):
    """End the connection's server process from another connection, then wait until its socket turns readable."""
    backend_pid = database_connection.connection.info.backend_pid
    dsn = database_connection.connection.info.dsn
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    poller = select.poll()
    poller.register(database_connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not poller.poll(10) and time.monotonic() < deadline:
        pass


def test_quiet_connection_checked_without_query(full_checks):
    connection.ensure_connection()
    raw_connection = connection.connection
    connection.health_check_done = False

    connection.close_if_health_check_failed()

    assert full_checks == []
    assert connection.connection is raw_connection
    assert connection.health_check_done


def test_terminated_connection_closed_before_use(full_checks):
    connection.ensure_connection()
    terminate_server_side(connection)
    connection.health_check_done = False

    connection.close_if_health_check_failed()

    assert full_checks == ["default"]
    assert connection.connection is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_scim_request_after_server_restart():
    organization = make_organization()
    enable_with_bearer_token(organization)
    _, raw_token = issue_bearer_token(organization)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    path = scim_base_path(organization) + "/Users"
    assert client.get(path).status_code == 200

    terminate_server_side(connection)
    # Django's test client keeps the connection across requests and skips the health
    # check that a server's next request would run, so the test requests it.
    connection.health_check_done = False
    response = client.get(path)

    assert response.status_code == 200
    assert response.json()["totalResults"] == 0
