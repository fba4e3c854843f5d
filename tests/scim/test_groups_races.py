"""Concurrent group writes on PostgreSQL: the unique constraint and the group lock decide."""

import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Group
from security.bearer_tokens import issue_bearer_token
from security.connections import enable_with_bearer_token
from tests.factories import make_group, make_organization, make_person
from tests.scim.conftest import scim_base_path
from tests.scim.group_helpers import member_ids
from tests.scim.helpers import patch_body, send


def run_together(raw_token, requests):
    """Send each (method, path, body) from its own thread at the same moment; return the statuses."""
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
def organization_with_token(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers, so two writes cannot overlap there.")
    organization = make_organization()
    enable_with_bearer_token(organization)
    _, raw_token = issue_bearer_token(organization)
    return organization, raw_token


def test_concurrent_creates_of_one_name(organization_with_token):
    organization, raw_token = organization_with_token
    base = scim_base_path(organization)

    statuses = run_together(
        raw_token, [("post", f"{base}/Groups", {"displayName": "Sales"}), ("post", f"{base}/Groups", {"displayName": "SALES"})]
    )

    assert statuses == [201, 409]
    assert Group.objects.filter(organization=organization, kind=Group.Kind.DIRECTORY).count() == 1


def test_concurrent_member_adds_keep_both(organization_with_token):
    organization, raw_token = organization_with_token
    base = scim_base_path(organization)
    group = make_group(organization, name="Team")
    ana, ben = make_person(organization), make_person(organization)
    path = f"{base}/Groups/{group.id}"

    statuses = run_together(
        raw_token,
        [
            ("patch", path, patch_body({"op": "add", "path": "members", "value": [{"value": str(ana.id)}]})),
            ("patch", path, patch_body({"op": "add", "path": "members", "value": [{"value": str(ben.id)}]})),
        ],
    )

    assert statuses == [204, 204]
    assert member_ids(group.id) == {ana.id, ben.id}
    assert Group.objects.get(id=group.id).version == 3
