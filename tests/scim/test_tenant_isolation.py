"""Organization A's token reads and changes nothing of organization B."""

import pytest
from django.test import Client

from accounts.models import Person
from security.bearer_tokens import issue_bearer_token
from security.connections import enable_with_bearer_token
from tests.factories import make_organization, make_person
from tests.scim.conftest import scim_base_path
from tests.scim.helpers import okta_user, patch_body, send


@pytest.fixture
def other_person(db):
    organization = make_organization()
    return make_person(organization, user_name="secret@b.example", external_id="b-1")


def test_ids_of_other_organization_are_404(scim_client, base, other_person):
    url = f"{base}/Users/{other_person.id}"

    responses = [
        scim_client.get(url),
        send(scim_client, "put", url, okta_user()),
        send(scim_client, "patch", url, patch_body({"op": "replace", "value": {"active": False}})),
        scim_client.delete(url),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    for response in responses:
        assert b"secret@b.example" not in response.content
    other_person.refresh_from_db()
    assert other_person.active is True
    assert other_person.version == 1


def test_lists_and_filters_show_only_own_people(scim_client, base, other_person):
    everything = scim_client.get(base + "/Users").json()
    by_name = scim_client.get(base + "/Users", {"filter": 'userName eq "secret@b.example" or externalId eq "b-1"'}).json()

    assert everything["totalResults"] == 0
    assert by_name["totalResults"] == 0


def test_token_of_a_on_b_url_is_401(scim_client, other_person):
    response = scim_client.get(f"{scim_base_path(other_person.organization)}/Users/{other_person.id}")

    assert response.status_code == 401
    assert b"secret" not in response.content


def test_same_user_name_in_two_organizations(scim_client, base, other_person):
    response = send(scim_client, "post", base + "/Users", okta_user("SECRET@b.example", external_id="b-1"))

    assert response.status_code == 201
    assert Person.objects.filter(user_name__iexact="secret@b.example").count() == 2


def test_b_token_cannot_delete_a_people(base, organization, scim_token):
    person = make_person(organization)
    other = make_organization()
    enable_with_bearer_token(other)
    _, other_token = issue_bearer_token(other)

    response = Client(HTTP_AUTHORIZATION=f"Bearer {other_token}").delete(f"{base}/Users/{person.id}")

    assert response.status_code == 401
    assert Person.objects.filter(id=person.id).exists()
