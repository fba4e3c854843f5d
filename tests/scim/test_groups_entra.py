"""Microsoft Entra ID's group provisioning requests against /Groups."""

import pytest

from accounts.models import Group
from tests.factories import make_person
from tests.scim.group_helpers import CORE_GROUP, member_ids
from tests.scim.helpers import PATCH_OP, send


@pytest.mark.django_db
def test_entra_group_sequence(organization, scim_client, base):
    ana, ben, cal = (make_person(organization) for _ in range(3))

    # Test Connection and matching filter on displayName, members excluded.
    lookup = scim_client.get(
        f"{base}/Groups", {"excludedAttributes": "members", "filter": 'displayName eq "Finance"'}
    )
    assert lookup.status_code == 200
    assert lookup.json()["totalResults"] == 0

    created = send(
        scim_client,
        "post",
        f"{base}/Groups",
        {
            "schemas": [CORE_GROUP],
            "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
            "displayName": "Finance",
            "members": [{"value": str(ana.id)}],
            "meta": {"resourceType": "Group"},
        },
    )
    assert created.status_code == 201
    group_id = created.json()["id"]
    assert created.json()["externalId"] == "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"
    assert member_ids(group_id) == {ana.id}

    by_id = scim_client.get(f"{base}/Groups/{group_id}", {"excludedAttributes": "members"})
    assert by_id.status_code == 200
    assert "members" not in by_id.json()
    assert by_id.json()["displayName"] == "Finance"

    by_name = scim_client.get(f"{base}/Groups", {"excludedAttributes": "members", "filter": 'displayName eq "FINANCE"'})
    assert by_name.json()["totalResults"] == 1
    assert "members" not in by_name.json()["Resources"][0]

    added = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "Add", "path": "members", "value": [{"value": str(ben.id)}, {"value": str(cal.id)}]}],
        },
    )
    assert added.status_code == 204
    assert member_ids(group_id) == {ana.id, ben.id, cal.id}

    removed = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        {"schemas": [PATCH_OP], "Operations": [{"op": "Remove", "path": "members", "value": [{"value": str(ana.id)}]}]},
    )
    assert removed.status_code == 204
    assert member_ids(group_id) == {ben.id, cal.id}

    renamed = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        {
            "schemas": [PATCH_OP],
            "Operations": [
                {"op": "Replace", "path": "displayName", "value": "Finance and Accounting"},
                {"op": "Replace", "value": {"externalId": "a6d6c1a7-0b1e-4b36-92d1-7d1c4e3a3a55"}},
            ],
        },
    )
    assert renamed.status_code == 204
    group = Group.objects.get(id=group_id)
    assert group.name == "Finance and Accounting"
    assert group.external_id == "a6d6c1a7-0b1e-4b36-92d1-7d1c4e3a3a55"
    assert member_ids(group_id) == {ben.id, cal.id}

    by_external_id = scim_client.get(
        f"{base}/Groups", {"filter": 'externalId eq "a6d6c1a7-0b1e-4b36-92d1-7d1c4e3a3a55"', "excludedAttributes": "members"}
    )
    assert [resource["id"] for resource in by_external_id.json()["Resources"]] == [group_id]

    assert scim_client.delete(f"{base}/Groups/{group_id}").status_code == 204
    assert not Group.objects.filter(id=group_id).exists()


@pytest.mark.django_db
def test_entra_remove_with_filter_flag(organization, scim_client, base):
    ana, ben = make_person(organization), make_person(organization)
    group_id = send(
        scim_client,
        "post",
        f"{base}/Groups",
        {"displayName": "Legal", "members": [{"value": str(ana.id)}, {"value": str(ben.id)}]},
    ).json()["id"]

    response = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        {"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": f'members[value eq "{ben.id}"]'}]},
    )

    assert response.status_code == 204
    assert member_ids(group_id) == {ana.id}


@pytest.mark.django_db
def test_entra_duplicate_group_name_conflicts(organization, scim_client, base):
    assert send(scim_client, "post", f"{base}/Groups", {"displayName": "Support"}).status_code == 201

    duplicate = send(scim_client, "post", f"{base}/Groups", {"displayName": "SUPPORT"})

    assert duplicate.status_code == 409
    assert duplicate.json() == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": "409",
        "scimType": "uniqueness",
        "detail": "A group with this displayName already exists (group names ignore letter case).",
    }
    assert Group.objects.filter(organization=organization, kind=Group.Kind.DIRECTORY).count() == 1


@pytest.mark.django_db
def test_entra_patch_with_attributes_returns_group(organization, scim_client, base):
    ana = make_person(organization)
    group_id = send(scim_client, "post", f"{base}/Groups", {"displayName": "Audit"}).json()["id"]

    response = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}?excludedAttributes=members",
        {"schemas": [PATCH_OP], "Operations": [{"op": "Add", "path": "members", "value": [{"value": str(ana.id)}]}]},
    )

    assert response.status_code == 200
    assert response.json()["id"] == group_id
    assert "members" not in response.json()
