"""Okta's requests, in the order and with the headers Okta sends them."""

import json
from urllib.parse import quote

import pytest
from django.test import Client

from accounts.models import Person
from tests.factories import make_person
from tests.scim.helpers import CORE_USER, ERROR, LIST_RESPONSE, okta_user, patch_body

OKTA_HEADERS = {
    "HTTP_ACCEPT": "application/scim+json",
    "HTTP_ACCEPT_CHARSET": "utf-8",
    "HTTP_USER_AGENT": "Okta SCIM Client 1.0.0",
}
OKTA_CONTENT_TYPE = "application/scim+json; charset=utf-8"


@pytest.fixture
def okta(scim_token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {scim_token}", **OKTA_HEADERS)


def okta_send(client, method, path, body):
    return getattr(client, method)(path, data=json.dumps(body), content_type=OKTA_CONTENT_TYPE)


def lookup(client, base, user_name):
    scim_filter = quote(f'userName eq "{user_name}"')
    return client.get(f"{base}/Users?filter={scim_filter}&startIndex=1&count=100")


def test_connector_test_lists_two_users(okta, base, organization):
    for _ in range(3):
        make_person(organization)

    response = okta.get(f"{base}/Users?startIndex=1&count=2")

    assert response.status_code == 200
    body = response.json()
    assert body["schemas"] == [LIST_RESPONSE]
    assert (body["totalResults"], body["itemsPerPage"], body["startIndex"]) == (3, 2, 1)
    assert len(body["Resources"]) == 2


def test_push_new_user_lookup_then_create_then_duplicate(okta, base, organization):
    assert lookup(okta, base, "ada@example.com").json()["totalResults"] == 0

    created = okta_send(okta, "post", f"{base}/Users", okta_user("ada@example.com"))
    duplicate = okta_send(okta, "post", f"{base}/Users", okta_user("ada@example.com", external_id="00u-other"))
    found = lookup(okta, base, "ADA@EXAMPLE.COM").json()

    assert created.status_code == 201
    assert created.json()["userName"] == "ada@example.com"
    assert created.json()["emails"] == [{"value": "ada@example.com", "type": "work", "primary": True}]
    assert duplicate.status_code == 409
    assert duplicate.json()["scimType"] == "uniqueness"
    assert found["totalResults"] == 1
    assert found["Resources"][0]["id"] == created.json()["id"]
    assert Person.objects.filter(organization=organization).count() == 1


def test_profile_update_by_get_then_put(okta, base, organization):
    user_id = okta_send(okta, "post", f"{base}/Users", okta_user()).json()["id"]
    current = okta.get(f"{base}/Users/{user_id}").json()
    current["name"]["givenName"] = "Augusta"
    current["title"] = "Countess"
    current["groups"] = []
    current["password"] = "another-placeholder"

    response = okta_send(okta, "put", f"{base}/Users/{user_id}", current)

    assert response.status_code == 200
    assert response.json()["name"]["givenName"] == "Augusta"
    person = Person.objects.get(id=user_id)
    assert (person.first_name, person.job_title, person.active) == ("Augusta", "Countess", True)


def test_deactivate_and_reactivate_by_patch(okta, base, organization):
    user_id = okta_send(okta, "post", f"{base}/Users", okta_user()).json()["id"]

    deactivated = okta_send(okta, "patch", f"{base}/Users/{user_id}", patch_body({"op": "replace", "value": {"active": False}}))
    still_found = lookup(okta, base, "ada.lovelace@example.com").json()
    still_readable = okta.get(f"{base}/Users/{user_id}").json()
    reactivated = okta_send(okta, "patch", f"{base}/Users/{user_id}", patch_body({"op": "replace", "value": {"active": True}}))

    assert deactivated.status_code == 200
    assert deactivated.json()["active"] is False
    assert still_found["totalResults"] == 1
    assert still_found["Resources"][0]["active"] is False
    assert still_readable["active"] is False
    assert reactivated.json()["active"] is True
    assert Person.objects.get(id=user_id).active is True


def test_deactivate_and_reactivate_by_put(okta, base):
    created = okta_send(okta, "post", f"{base}/Users", okta_user()).json()

    deactivated = okta_send(okta, "put", f"{base}/Users/{created['id']}", {**created, "active": False})
    reactivated = okta_send(okta, "put", f"{base}/Users/{created['id']}", {**created, "active": True})

    assert deactivated.json()["active"] is False
    assert reactivated.json()["active"] is True
    assert Person.objects.get(id=created["id"]).active is True


def test_import_across_pages_of_100(okta, base, organization):
    Person.objects.bulk_create(
        [Person(organization=organization, user_name=f"import{number:03}@example.com") for number in range(250)]
    )

    imported = []
    start_index = 1
    while True:
        page = okta.get(f"{base}/Users?startIndex={start_index}&count=100").json()
        imported += [resource["userName"] for resource in page["Resources"]]
        start_index += 100
        if start_index > page["totalResults"]:
            break

    assert len(imported) == 250
    assert len(set(imported)) == 250


def test_spec_test_steps(okta, base, organization):
    """The requests of Okta's SCIM 2.0 SPEC test, in order."""
    make_person(organization)

    first = okta.get(f"{base}/Users?count=1&startIndex=1").json()
    isv_user = first["Resources"][0]
    by_id = okta.get(f"{base}/Users/{isv_user['id']}")
    invalid_user = lookup(okta, base, "invalid-user-name@example.com").json()
    invalid_id = okta.get(f"{base}/Users/010101001010101011010010101001001001")
    created = okta_send(
        okta,
        "post",
        f"{base}/Users",
        {
            "schemas": [CORE_USER],
            "userName": "random.user@example.com",
            "externalId": "random-ext",
            "name": {"givenName": "Random", "familyName": "User"},
            "emails": [{"primary": True, "value": "random.user@example.com", "type": "work"}],
            "displayName": "Random User",
            "active": True,
        },
    )
    recreated = okta_send(okta, "post", f"{base}/Users", {**created.json(), "id": None})
    caps = lookup(okta, base, "RANDOM.USER@example.com").json()
    unauthorized = Client(HTTP_AUTHORIZATION="non-token", **OKTA_HEADERS).get(base + "/Users")
    not_found = okta.get(f"{base}/Users/110100101010101011010010101001001001")

    assert (first["itemsPerPage"], first["startIndex"], first["totalResults"]) == (1, 1, 1)
    for attribute in ("id", "userName", "active", "emails"):
        assert isv_user[attribute] not in (None, "", [])
    assert isv_user["name"]["givenName"] and isv_user["name"]["familyName"]
    assert by_id.json()["id"] == isv_user["id"]
    assert invalid_user["totalResults"] == 0
    assert invalid_id.status_code == 404
    assert invalid_id.json()["schemas"] == [ERROR]
    assert created.status_code == 201
    assert created.json()["active"] is True
    assert recreated.status_code == 409
    assert caps["totalResults"] == 1
    assert unauthorized.status_code == 401
    assert unauthorized.json()["status"] == "401"
    assert not_found.status_code == 404
    assert not_found.json()["status"] == "404"
