"""Microsoft Entra ID's request shapes."""

import uuid

from accounts.models import Person
from tests.scim.helpers import CORE_USER, ENTERPRISE_USER, LIST_RESPONSE, patch_body, send


def entra_user():
    """A user as Entra creates it: explicit nulls, roles and meta included."""
    return {
        "schemas": [CORE_USER, ENTERPRISE_USER],
        "externalId": "alan.turing",
        "userName": "Alan.Turing@contoso.example",
        "active": True,
        "addresses": None,
        "displayName": "Alan Turing",
        "emails": [{"primary": True, "type": "work", "value": "alan@contoso.example"}],
        "meta": {"resourceType": "User"},
        "name": {"familyName": "Turing", "givenName": "Alan"},
        "phoneNumbers": None,
        "roles": [],
        "title": None,
        ENTERPRISE_USER: {"department": None, "employeeNumber": "1912"},
    }


def test_connection_test_with_random_guid_is_empty_list(scim_client, base):
    response = scim_client.get(base + "/Users", {"filter": f'externalId eq "{uuid.uuid4()}"'})

    assert response.status_code == 200
    assert response.json() == {
        "schemas": [LIST_RESPONSE],
        "totalResults": 0,
        "itemsPerPage": 0,
        "startIndex": 1,
        "Resources": [],
    }


def test_lookup_by_external_id_then_create(scim_client, base, organization):
    assert scim_client.get(base + "/Users", {"filter": 'externalId eq "alan.turing"'}).json()["totalResults"] == 0

    created = send(scim_client, "post", base + "/Users", entra_user())
    found = scim_client.get(base + "/Users", {"filter": 'externalId eq "alan.turing"'}).json()
    other_case = scim_client.get(base + "/Users", {"filter": 'externalId eq "ALAN.TURING"'}).json()

    assert created.status_code == 201
    assert found["Resources"][0]["id"] == created.json()["id"]
    assert other_case["totalResults"] == 0
    person = Person.objects.get(organization=organization)
    assert (person.job_title, person.city, person.department) == ("", "", "")


def test_update_with_capitalised_ops_and_paths(scim_client, base, organization):
    user_id = send(scim_client, "post", base + "/Users", entra_user()).json()["id"]

    response = send(
        scim_client,
        "patch",
        f"{base}/Users/{user_id}",
        patch_body(
            {"op": "Replace", "path": "displayName", "value": "A. M. Turing"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "turing@contoso.example"},
            {"op": "Replace", "path": "name.givenName", "value": "Alan Mathison"},
            {"op": "Replace", "path": "name.familyName", "value": "Turing"},
            {"op": "Replace", "path": "externalId", "value": "amt"},
            {"op": "Add", "path": 'addresses[type eq "work"].locality', "value": "Manchester"},
            {"op": "Add", "path": f"{ENTERPRISE_USER}:department", "value": "Computing"},
            {"op": "Replace", "path": f"{ENTERPRISE_USER}:employeeNumber", "value": "1"},
        ),
    )

    assert response.status_code == 200, response.content
    person = Person.objects.get(id=user_id)
    assert person.display_name == "A. M. Turing"
    assert person.email == "turing@contoso.example"
    assert (person.first_name, person.last_name, person.external_id) == ("Alan Mathison", "Turing", "amt")
    assert (person.city, person.department) == ("Manchester", "Computing")
    assert person.version == 2


def test_pathless_replace_with_dotted_and_urn_keys(scim_client, base):
    user_id = send(scim_client, "post", base + "/Users", entra_user()).json()["id"]

    response = send(
        scim_client,
        "patch",
        f"{base}/Users/{user_id}",
        patch_body(
            {
                "op": "replace",
                "value": {
                    "displayName": "Prof. Turing",
                    "name.givenName": "Al",
                    f"{ENTERPRISE_USER}:organization": "Contoso",
                },
            }
        ),
    )

    assert response.status_code == 200
    person = Person.objects.get(id=user_id)
    assert (person.display_name, person.first_name, person.company_name) == ("Prof. Turing", "Al", "Contoso")


def test_disable_and_enable_with_string_booleans(scim_client, base):
    user_id = send(scim_client, "post", base + "/Users", entra_user()).json()["id"]

    disabled = send(scim_client, "patch", f"{base}/Users/{user_id}", patch_body({"op": "Replace", "path": "active", "value": "False"}))
    filtered = scim_client.get(base + "/Users", {"filter": 'userName eq "alan.turing@contoso.example"'}).json()
    enabled = send(scim_client, "patch", f"{base}/Users/{user_id}", patch_body({"op": "Replace", "path": "active", "value": "True"}))

    assert disabled.json()["active"] is False
    assert filtered["Resources"][0]["active"] is False
    assert enabled.json()["active"] is True


def test_delete_then_get_is_404_and_recreate_works(scim_client, base, organization):
    user_id = send(scim_client, "post", base + "/Users", entra_user()).json()["id"]

    deleted = scim_client.delete(f"{base}/Users/{user_id}")
    after = scim_client.get(f"{base}/Users/{user_id}")
    recreated = send(scim_client, "post", base + "/Users", entra_user())

    assert deleted.status_code == 204
    assert after.status_code == 404
    assert recreated.status_code == 201
    assert Person.objects.filter(organization=organization).count() == 1
