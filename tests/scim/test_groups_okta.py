"""Okta's Push Groups sequence against /Groups, as an OIN app sends it (PATCH) and a custom app (PUT)."""

import pytest

from accounts.models import Group, Person
from tests.factories import make_person
from tests.scim.group_helpers import CORE_GROUP, member_ids
from tests.scim.helpers import PATCH_OP, send


@pytest.mark.django_db
def test_okta_push_group_sequence(organization, scim_client, base):
    ana, ben, cal = (make_person(organization) for _ in range(3))

    created = send(scim_client, "post", f"{base}/Groups", {"schemas": [CORE_GROUP], "displayName": "Sales", "members": []})
    assert created.status_code == 201
    group_id = created.json()["id"]
    assert created.json()["displayName"] == "Sales"
    assert created.json()["members"] == []
    assert created.json()["meta"]["resourceType"] == "Group"
    assert created["Location"].endswith(f"/{organization.id}/identity_/api/scim/v2/Groups/{group_id}")

    found = scim_client.get(f"{base}/Groups", {"filter": 'displayName eq "sales"', "startIndex": 1, "count": 100})
    assert found.status_code == 200
    assert found.json()["totalResults"] == 1
    assert found.json()["Resources"][0]["id"] == group_id

    renamed = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"id": group_id, "displayName": "Sales EMEA"}}]},
    )
    assert renamed.status_code == 204
    assert Group.objects.get(id=group_id).name == "Sales EMEA"

    added = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        {
            "schemas": [PATCH_OP],
            "Operations": [
                {"op": "add", "path": "members", "value": [{"value": str(ana.id), "display": ana.user_name}]},
                {"op": "add", "path": "members", "value": [{"value": str(ben.id), "display": ben.user_name}]},
            ],
        },
    )
    assert added.status_code == 204
    assert member_ids(group_id) == {ana.id, ben.id}

    # Okta re-sends the rename with every membership change; it must keep the members.
    renamed_again = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"id": group_id, "displayName": "Sales EMEA"}}]},
    )
    assert renamed_again.status_code == 204
    assert member_ids(group_id) == {ana.id, ben.id}

    moved = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        {
            "schemas": [PATCH_OP],
            "Operations": [
                {"op": "remove", "path": f'members[value eq "{ana.id}"]'},
                {"op": "add", "path": "members", "value": [{"value": str(cal.id), "display": cal.user_name}]},
            ],
        },
    )
    assert moved.status_code == 204
    assert member_ids(group_id) == {ben.id, cal.id}

    replaced = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "members", "value": [{"value": str(ana.id)}]}]},
    )
    assert replaced.status_code == 204
    assert member_ids(group_id) == {ana.id}

    fetched = scim_client.get(f"{base}/Groups/{group_id}")
    assert fetched.status_code == 200
    assert fetched.json()["displayName"] == "Sales EMEA"
    assert fetched.json()["members"] == [
        {"value": str(ana.id), "$ref": f"http://testserver/{organization.id}/identity_/api/scim/v2/Users/{ana.id}"}
    ]

    deleted = scim_client.delete(f"{base}/Groups/{group_id}")
    assert deleted.status_code == 204
    assert scim_client.get(f"{base}/Groups/{group_id}").status_code == 404
    assert not Group.objects.filter(id=group_id).exists()
    assert Person.objects.filter(id__in=[ana.id, ben.id, cal.id]).count() == 3


@pytest.mark.django_db
def test_okta_custom_app_put_sequence(organization, scim_client, base):
    ana, ben = make_person(organization), make_person(organization)
    group_id = send(scim_client, "post", f"{base}/Groups", {"schemas": [CORE_GROUP], "displayName": "Ops"}).json()["id"]

    put = send(
        scim_client,
        "put",
        f"{base}/Groups/{group_id}",
        {
            "schemas": [CORE_GROUP],
            "id": group_id,
            "displayName": "Operations",
            "members": [{"value": str(ana.id), "display": "Ana"}, {"value": str(ben.id), "display": "Ben"}],
        },
    )
    assert put.status_code == 200
    assert put.json()["displayName"] == "Operations"
    assert {member["value"] for member in put.json()["members"]} == {str(ana.id), str(ben.id)}
    assert member_ids(group_id) == {ana.id, ben.id}

    put_fewer = send(
        scim_client,
        "put",
        f"{base}/Groups/{group_id}",
        {"schemas": [CORE_GROUP], "displayName": "Operations", "members": [{"value": str(ben.id)}]},
    )
    assert put_fewer.status_code == 200
    assert member_ids(group_id) == {ben.id}


@pytest.mark.django_db
def test_okta_save_time_group_list(organization, scim_client, base):
    response = scim_client.get(f"{base}/Groups", {"startIndex": 1, "count": 100})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/scim+json")
    assert response.json() == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 0,
        "itemsPerPage": 0,
        "startIndex": 1,
        "Resources": [],
    }
