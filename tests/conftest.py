import pytest
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
