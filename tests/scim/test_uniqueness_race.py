"""Two concurrent creates of one user name: the database's unique constraint decides."""

import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Person
from security.bearer_tokens import issue_bearer_token
from security.connections import enable_with_bearer_token
from tests.factories import make_organization
from tests.scim.conftest import scim_base_path
from tests.scim.helpers import okta_user, send


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_give_one_201_and_one_409():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers, so two creates cannot overlap there.")
    organization = make_organization()
    enable_with_bearer_token(organization)
    _, raw_token = issue_bearer_token(organization)
    base = scim_base_path(organization)
    barrier = threading.Barrier(2)
    statuses = []

    def create(user_name, external_id):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
        barrier.wait()
        statuses.append(send(client, "post", base + "/Users", okta_user(user_name, external_id=external_id)).status_code)
        connection.close()

    threads = [
        threading.Thread(target=create, args=("race@example.com", "first")),
        threading.Thread(target=create, args=("RACE@example.com", "second")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 409]
    assert Person.objects.filter(organization=organization).count() == 1
