"""uipath_identity.postgresql: the health check without a round trip, and timestamps parsed in C."""

import datetime
import select
import time

import psycopg
import pytest
from django.db import connection, connections
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.test import Client
from psycopg.pq import Format
from psycopg_binary import _psycopg

from security.bearer_tokens import issue_bearer_token
from security.connections import enable_with_bearer_token
from tests.factories import make_organization
from tests.scim.conftest import scim_base_path
from uipath_identity.postgresql.base import UtcTimestamptzLoader

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


TIMESTAMPS_SQL = (
    "SELECT '2026-12-05 03:20:02.381280+00'::timestamptz, '2020-06-01 12:00:00+02'::timestamptz,"
    " '0001-01-01 00:00:00+00'::timestamptz, '9999-12-31 23:59:59.999999+00'::timestamptz, NULL::timestamptz"
)


def test_timestamptz_loader_under_utc_is_the_c_loader():
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(1184, Format.TEXT)

    assert loader is UtcTimestamptzLoader
    assert isinstance(loader(1184, cursor.cursor).load.__self__, _psycopg.TimestamptzLoader)
    assert connection.connection.info.parameter_status("TimeZone") == "UTC"


def test_timestamptz_values_equal_those_of_djangos_loader():
    with connection.cursor() as cursor:
        cursor.execute(TIMESTAMPS_SQL)
        fast = cursor.fetchone()
    with connection.cursor() as cursor:
        register_tzloader(datetime.timezone.utc, cursor.cursor)
        cursor.execute(TIMESTAMPS_SQL)
        django_loaded = cursor.fetchone()

    assert fast == django_loaded
    assert fast[1] == datetime.datetime(2020, 6, 1, 10, 0, tzinfo=datetime.timezone.utc)
    assert [value.tzinfo for value in fast[:4]] == [datetime.timezone.utc] * 4
    assert fast[4] is None
