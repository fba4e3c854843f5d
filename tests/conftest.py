import threading
import time

import pytest
from django.core.signals import request_finished, request_started
from django.test import Client

from tests.factories import make_administrator, make_member, make_organization


@pytest.fixture
def organization(db):
    return make_organization()


@pytest.fixture
def administrator(organization):
    return make_administrator(organization)


@pytest.fixture
def admin_client(administrator):
    client = Client()
    client.force_login(administrator.user)
    return client


@pytest.fixture
def member_client(organization):
    client = Client()
    client.force_login(make_member(organization).user)
    return client


@pytest.fixture
def outsider_client(db):
    """A client signed in as an administrator of another organization."""
    client = Client()
    client.force_login(make_administrator(make_organization()).user)
    return client


@pytest.fixture(autouse=True)
def live_server_responses_closed(request):
    """Before a live server test's database is flushed, wait until each response it served has been closed.

    Closing a SCIM response writes its provisioning activity row (audit.recording),
    after the client has the response. On SQLite a flush that meets that INSERT
    fails with "database table is locked".
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    # Requested here, so that this fixture's teardown runs before the flush.
    request.getfixturevalue("transactional_db")
    open_requests = [0]
    lock = threading.Lock()

    def started(**kwargs):
        with lock:
            open_requests[0] += 1

    def finished(**kwargs):
        with lock:
            open_requests[0] -= 1

    request_started.connect(started, weak=False)
    request_finished.connect(finished, weak=False)
    yield
    deadline = time.monotonic() + 10
    while open_requests[0] > 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    request_started.disconnect(started)
    request_finished.disconnect(finished)
