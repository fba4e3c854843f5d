"""/Groups: built-in group protections, tenant isolation, errors, filters, paging, projection and ETags."""

import json

import pytest

from accounts.models import Group, Membership, Person
from scim import groups as scim_groups
from security.bearer_tokens import issue_bearer_token
from security.connections import enable_with_bearer_token
from tests.factories import make_group, make_organization, make_person
from tests.scim.group_helpers import CORE_GROUP, create_group, member_ids
from tests.scim.helpers import LIST_RESPONSE, assert_scim_error, patch_body, send

pytestmark = pytest.mark.django_db


def builtin_group(organization, role):
    return Group.objects.get(organization=organization, builtin_role=role)


# Built-in groups


def test_builtin_groups_are_not_listed(organization, scim_client, base):
    make_group(organization, name="Local team", kind=Group.Kind.LOCAL)

    response = scim_client.get(f"{base}/Groups")

    assert response.json()["totalResults"] == 0
    assert response.json()["Resources"] == []


@pytest.mark.parametrize("role", [Group.BuiltinRole.ADMINISTRATORS, Group.BuiltinRole.EVERYONE])
def test_builtin_group_cannot_be_read_or_changed(organization, scim_client, base, role):
    group = builtin_group(organization, role)
    person = make_person(organization)
    path = f"{base}/Groups/{group.id}"

    assert_scim_error(scim_client.get(path), 404)
    assert_scim_error(send(scim_client, "put", path, {"displayName": "Renamed"}), 404)
    assert_scim_error(
        send(scim_client, "patch", path, patch_body({"op": "add", "path": "members", "value": [{"value": str(person.id)}]})),
        404,
    )
    assert_scim_error(send(scim_client, "patch", path, patch_body({"op": "replace", "value": {"displayName": "X"}})), 404)
    assert_scim_error(scim_client.delete(path), 404)

    group.refresh_from_db()
    assert group.name == role.label
    assert group.kind == Group.Kind.BUILTIN
    assert not Membership.objects.filter(group=group, person=person).exists()


def test_directory_group_named_administrators_grants_nothing(organization, administrator, scim_client, base):
    person = make_person(organization)

    group_id = create_group(scim_client, base, "Administrators", members=[person])

    group = Group.objects.get(id=group_id)
    assert group.kind == Group.Kind.DIRECTORY
    assert group.builtin_role is None
    assert person.is_administrator() is False
    administrators = builtin_group(organization, Group.BuiltinRole.ADMINISTRATORS)
    assert member_ids(administrators.id) == {administrator.id}
    assert Group.objects.filter(organization=organization, name="Administrators").count() == 2


def test_directory_group_named_everyone_is_distinct(organization, scim_client, base):
    group_id = create_group(scim_client, base, "everyone")

    assert Group.objects.get(id=group_id).kind == Group.Kind.DIRECTORY
    assert builtin_group(organization, Group.BuiltinRole.EVERYONE).name == "Everyone"


# Tenant isolation


@pytest.fixture
def other_organization(db):
    return make_organization()


def test_member_of_another_organization_is_rejected_on_patch(organization, other_organization, scim_client, base):
    own = make_person(organization)
    foreign = make_person(other_organization)
    group_id = create_group(scim_client, base, "Team", members=[own])

    response = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        patch_body({"op": "add", "path": "members", "value": [{"value": str(foreign.id)}]}),
    )

    body = assert_scim_error(response, 400, "invalidValue")
    assert body["detail"] == f"The member value '{foreign.id}' is not the id of a user of this organization."
    assert member_ids(group_id) == {own.id}


def test_member_of_another_organization_is_rejected_on_create(organization, other_organization, scim_client, base):
    foreign = make_person(other_organization)

    response = send(
        scim_client, "post", f"{base}/Groups", {"displayName": "Team", "members": [{"value": str(foreign.id)}]}
    )

    assert_scim_error(response, 400, "invalidValue")
    assert not Group.objects.filter(kind=Group.Kind.DIRECTORY).exists()


def test_member_of_another_organization_is_rejected_on_put(organization, other_organization, scim_client, base):
    own = make_person(organization)
    foreign = make_person(other_organization)
    group_id = create_group(scim_client, base, "Team", members=[own])

    response = send(
        scim_client,
        "put",
        f"{base}/Groups/{group_id}",
        {"displayName": "Renamed", "members": [{"value": str(own.id)}, {"value": str(foreign.id)}]},
    )

    assert_scim_error(response, 400, "invalidValue")
    assert Group.objects.get(id=group_id).name == "Team"
    assert member_ids(group_id) == {own.id}


def test_group_of_another_organization_is_not_found(organization, other_organization, scim_client, base):
    foreign_group = make_group(other_organization, name="Foreign")
    person = make_person(organization)
    path = f"{base}/Groups/{foreign_group.id}"

    assert_scim_error(scim_client.get(path), 404)
    assert_scim_error(
        send(scim_client, "patch", path, patch_body({"op": "add", "path": "members", "value": [{"value": str(person.id)}]})),
        404,
    )
    assert_scim_error(scim_client.delete(path), 404)
    assert Group.objects.filter(id=foreign_group.id).exists()
    assert member_ids(foreign_group.id) == set()


def test_other_organization_token_is_unauthorized(organization, other_organization, client, base):
    group = make_group(organization, name="Team")
    enable_with_bearer_token(other_organization)
    _, foreign_token = issue_bearer_token(other_organization)

    response = client.get(f"{base}/Groups/{group.id}", HTTP_AUTHORIZATION=f"Bearer {foreign_token}")

    assert_scim_error(response, 401)


def test_filter_lists_only_own_groups(organization, other_organization, scim_client, base):
    make_group(other_organization, name="Shared name")
    own_id = create_group(scim_client, base, "Shared name")

    response = scim_client.get(f"{base}/Groups", {"filter": 'displayName eq "Shared name"'})

    assert [resource["id"] for resource in response.json()["Resources"]] == [own_id]


# Writes and their errors


def test_create_returns_group(organization, scim_client, base):
    person = make_person(organization, display_name="")

    response = send(
        scim_client,
        "post",
        f"{base}/Groups?attributes=displayName,externalId,members",
        {"schemas": [CORE_GROUP], "displayName": "Design", "externalId": "ext-1", "members": [{"value": str(person.id)}]},
    )

    assert response.status_code == 201
    body = response.json()
    group = Group.objects.get(id=body["id"])
    assert body == {
        "schemas": [CORE_GROUP],
        "id": str(group.id),
        "displayName": "Design",
        "externalId": "ext-1",
        "members": [
            {
                "value": str(person.id),
                "$ref": f"http://testserver{base}/Users/{person.id}",
                "display": person.user_name,
            }
        ],
    }
    assert group.organization == organization
    assert group.kind == Group.Kind.DIRECTORY
    assert group.external_id == "ext-1"


def test_get_returns_meta(organization, scim_client, base):
    group_id = create_group(scim_client, base, "Design")
    group = Group.objects.get(id=group_id)

    body = scim_client.get(f"{base}/Groups/{group_id}").json()

    assert body["meta"] == {
        "resourceType": "Group",
        "created": group.created_at.isoformat().replace("+00:00", "Z"),
        "lastModified": group.updated_at.isoformat().replace("+00:00", "Z"),
        "location": f"http://testserver{base}/Groups/{group_id}",
        "version": 'W/"1"',
    }
    assert "externalId" not in body


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({}, "The attribute 'displayName' is required and must be a non-empty string."),
        ({"displayName": "  "}, "The attribute 'displayName' is required and must be a non-empty string."),
        ({"displayName": 7}, "The attribute 'displayName' is required and must be a non-empty string."),
        ({"displayName": "x" * 256}, "The attribute 'displayName' is longer than 255 characters."),
        ({"displayName": "Team", "externalId": 5}, "The attribute 'externalId' must be a string."),
        ({"displayName": "Team", "members": "all"}, "The attribute 'members' must be an array of objects with a 'value'."),
        ({"displayName": "Team", "members": [{"display": "Ana"}]}, "Each member must be an object with a 'value' that is a user id."),
        ({"displayName": "Team", "members": [{"value": "not-a-uuid"}]}, "The member value 'not-a-uuid' is not the id of a user of this organization."),
    ],
)
def test_create_rejects_invalid_body(organization, scim_client, base, body, detail):
    response = send(scim_client, "post", f"{base}/Groups", body)

    assert assert_scim_error(response, 400, "invalidValue")["detail"] == detail
    assert not Group.objects.filter(kind=Group.Kind.DIRECTORY).exists()


def test_create_with_unknown_member_changes_nothing(organization, scim_client, base):
    person = make_person(organization)
    unknown = "5d6c9a43-86f4-4bd1-9d67-4bc3a0e8f0f1"

    response = send(
        scim_client,
        "post",
        f"{base}/Groups",
        {"displayName": "Team", "members": [{"value": str(person.id)}, {"value": unknown}]},
    )

    assert assert_scim_error(response, 400, "invalidValue")["detail"] == (
        f"The member value '{unknown}' is not the id of a user of this organization."
    )
    assert not Group.objects.filter(kind=Group.Kind.DIRECTORY).exists()
    assert not Membership.objects.filter(person=person).exists()


def test_rename_to_taken_name_conflicts(organization, scim_client, base):
    create_group(scim_client, base, "Sales")
    group_id = create_group(scim_client, base, "Marketing")

    response = send(
        scim_client,
        "patch",
        f"{base}/Groups/{group_id}",
        patch_body({"op": "replace", "path": "displayName", "value": "SALES"}),
    )

    assert_scim_error(response, 409, "uniqueness")
    assert Group.objects.get(id=group_id).name == "Marketing"


def test_rename_keeps_letter_case_change(organization, scim_client, base):
    group_id = create_group(scim_client, base, "sales")

    response = send(scim_client, "put", f"{base}/Groups/{group_id}", {"displayName": "Sales"})

    assert response.status_code == 200
    assert Group.objects.get(id=group_id).name == "Sales"


def test_put_without_members_empties_group(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[person])

    response = send(scim_client, "put", f"{base}/Groups/{group_id}", {"displayName": "Team"})

    assert response.status_code == 200
    assert response.json()["members"] == []
    assert member_ids(group_id) == set()


def test_delete_keeps_people(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[person])

    assert scim_client.delete(f"{base}/Groups/{group_id}").status_code == 204

    assert not Group.objects.filter(id=group_id).exists()
    assert not Membership.objects.filter(group_id=group_id).exists()
    assert Person.objects.filter(id=person.id).exists()
    assert_scim_error(scim_client.delete(f"{base}/Groups/{group_id}"), 404)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_collection_rejects_item_methods(scim_client, base, method):
    response = send(scim_client, method, f"{base}/Groups", {})

    assert_scim_error(response, 405)
    assert response["Allow"] == "GET, POST"


def test_post_on_item_is_not_allowed(organization, scim_client, base):
    group_id = create_group(scim_client, base, "Team")

    response = send(scim_client, "post", f"{base}/Groups/{group_id}", {"displayName": "X"})

    assert_scim_error(response, 405)
    assert response["Allow"] == "GET, PUT, PATCH, DELETE"


def test_unknown_and_malformed_ids_are_not_found(scim_client, base):
    assert_scim_error(scim_client.get(f"{base}/Groups/5d6c9a43-86f4-4bd1-9d67-4bc3a0e8f0f1"), 404)
    assert_scim_error(scim_client.get(f"{base}/Groups/not-a-uuid"), 404)


# PATCH


def patch(client, base, group_id, *operations):
    return send(client, "patch", f"{base}/Groups/{group_id}", patch_body(*operations))


def test_patch_add_is_idempotent(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[person])

    response = patch(
        scim_client,
        base,
        group_id,
        {"op": "add", "path": "members", "value": [{"value": str(person.id)}, {"value": str(person.id)}]},
    )

    assert response.status_code == 204
    assert Membership.objects.filter(group_id=group_id).count() == 1


def test_patch_remove_of_non_member_succeeds(organization, scim_client, base):
    member, other = make_person(organization), make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[member])

    response = patch(
        scim_client,
        base,
        group_id,
        {"op": "remove", "path": f'members[value eq "{other.id}"]'},
        {"op": "Remove", "path": "members", "value": [{"value": "5d6c9a43-86f4-4bd1-9d67-4bc3a0e8f0f1"}]},
    )

    assert response.status_code == 204
    assert member_ids(group_id) == {member.id}


def test_patch_remove_filter_with_or(organization, scim_client, base):
    ana, ben, cal = (make_person(organization) for _ in range(3))
    group_id = create_group(scim_client, base, "Team", members=[ana, ben, cal])

    response = patch(
        scim_client, base, group_id, {"op": "remove", "path": f'members[value eq "{ana.id}" or value eq "{cal.id}"]'}
    )

    assert response.status_code == 204
    assert member_ids(group_id) == {ben.id}


def test_patch_remove_all_members(organization, scim_client, base):
    ana, ben = make_person(organization), make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[ana, ben])

    response = patch(scim_client, base, group_id, {"op": "remove", "path": "members"})

    assert response.status_code == 204
    assert member_ids(group_id) == set()
    assert Person.objects.filter(id__in=[ana.id, ben.id]).count() == 2


def test_patch_replace_members_with_empty_list(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[person])

    response = patch(scim_client, base, group_id, {"op": "replace", "path": "members", "value": []})

    assert response.status_code == 204
    assert member_ids(group_id) == set()


def test_patch_operations_apply_in_order(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team")

    response = patch(
        scim_client,
        base,
        group_id,
        {"op": "add", "path": "members", "value": [{"value": str(person.id)}]},
        {"op": "remove", "path": f'members[value eq "{person.id}"]'},
        {"op": "add", "path": "members", "value": {"value": str(person.id)}},
    )

    assert response.status_code == 204
    assert member_ids(group_id) == {person.id}


def test_patch_failure_rolls_back_earlier_operations(organization, scim_client, base):
    ana = make_person(organization)
    group_id = create_group(scim_client, base, "Team")

    response = patch(
        scim_client,
        base,
        group_id,
        {"op": "replace", "path": "displayName", "value": "Renamed"},
        {"op": "add", "path": "members", "value": [{"value": str(ana.id)}]},
        {"op": "add", "path": "members", "value": [{"value": "5d6c9a43-86f4-4bd1-9d67-4bc3a0e8f0f1"}]},
    )

    assert_scim_error(response, 400, "invalidValue")
    assert Group.objects.get(id=group_id).name == "Team"
    assert member_ids(group_id) == set()


def test_patch_moves_last_change(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team")
    before = Group.objects.get(id=group_id).updated_at

    patch(scim_client, base, group_id, {"op": "add", "path": "members", "value": [{"value": str(person.id)}]})

    assert Group.objects.get(id=group_id).updated_at > before


def test_patch_urn_prefixed_path(organization, scim_client, base):
    group_id = create_group(scim_client, base, "Team")

    response = patch(scim_client, base, group_id, {"op": "replace", "path": f"{CORE_GROUP}:displayName", "value": "Crew"})

    assert response.status_code == 204
    assert Group.objects.get(id=group_id).name == "Crew"


def test_patch_external_id_add_and_remove(organization, scim_client, base):
    group_id = create_group(scim_client, base, "Team")

    patch(scim_client, base, group_id, {"op": "add", "path": "externalId", "value": "ext-9"})
    assert Group.objects.get(id=group_id).external_id == "ext-9"

    patch(scim_client, base, group_id, {"op": "remove", "path": "externalId"})
    assert Group.objects.get(id=group_id).external_id is None


@pytest.mark.parametrize(
    ("operation", "status", "scim_type"),
    [
        ({"op": "replace", "value": {"id": "5d6c9a43-86f4-4bd1-9d67-4bc3a0e8f0f1", "displayName": "X"}}, 400, "mutability"),
        ({"op": "remove", "path": "displayName"}, 400, "mutability"),
        ({"op": "replace", "path": "id", "value": "x"}, 400, "mutability"),
        ({"op": "remove"}, 400, "noTarget"),
        ({"op": "replace", "value": "Crew"}, 400, "invalidValue"),
        ({"op": "replace", "path": "displayName"}, 400, "invalidValue"),
        ({"op": "replace", "path": "description", "value": "x"}, 400, "invalidPath"),
        ({"op": "replace", "path": "members.value", "value": "x"}, 400, "invalidPath"),
        ({"op": "add", "path": 'members[value eq "x"]', "value": [{"value": "x"}]}, 400, "invalidPath"),
        ({"op": "remove", "path": 'members[display eq "Ana"]'}, 400, "invalidPath"),
        ({"op": "remove", "path": 'members[value eq "x"'}, 400, "invalidPath"),
        ({"op": "move", "path": "displayName", "value": "x"}, 400, "invalidSyntax"),
        ({"op": "replace", "path": 7, "value": "x"}, 400, "invalidPath"),
    ],
)
def test_patch_rejects_invalid_operation(organization, scim_client, base, operation, status, scim_type):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[person])

    response = patch(scim_client, base, group_id, operation)

    assert_scim_error(response, status, scim_type)
    assert Group.objects.get(id=group_id).name == "Team"
    assert member_ids(group_id) == {person.id}


def test_patch_without_operations_is_invalid_syntax(organization, scim_client, base):
    group_id = create_group(scim_client, base, "Team")

    response = send(scim_client, "patch", f"{base}/Groups/{group_id}", {"schemas": ["x"]})

    assert_scim_error(response, 400, "invalidSyntax")


# Filters, pages and projection


def test_filter_by_member(organization, scim_client, base):
    ana, ben = make_person(organization), make_person(organization)
    with_ana = create_group(scim_client, base, "With Ana", members=[ana])
    create_group(scim_client, base, "With Ben", members=[ben])
    empty = create_group(scim_client, base, "Empty")

    def ids(scim_filter):
        response = scim_client.get(f"{base}/Groups", {"filter": scim_filter, "excludedAttributes": "members"})
        assert response.status_code == 200
        return [resource["id"] for resource in response.json()["Resources"]]

    assert ids(f'members.value eq "{ana.id}"') == [with_ana]
    assert ids(f'members[value eq "{ana.id}"]') == [with_ana]
    assert ids(f'members eq "{ana.id}"') == [with_ana]
    assert ids('members.value eq "not-a-uuid"') == []
    assert empty not in ids("members pr")
    assert ids("not (members pr)") == [empty]


def test_filter_by_id_and_external_id(organization, scim_client, base):
    first = create_group(scim_client, base, "First", externalId="Ext-A")
    create_group(scim_client, base, "Second", externalId="ext-b")

    by_id = scim_client.get(f"{base}/Groups", {"filter": f'id eq "{first}"'}).json()
    exact = scim_client.get(f"{base}/Groups", {"filter": 'externalId eq "Ext-A"'}).json()
    other_case = scim_client.get(f"{base}/Groups", {"filter": 'externalId eq "ext-a"'}).json()

    assert [resource["id"] for resource in by_id["Resources"]] == [first]
    assert [resource["id"] for resource in exact["Resources"]] == [first]
    assert other_case["totalResults"] == 0


@pytest.mark.parametrize(
    "scim_filter",
    ['userName eq "x"', 'displayName gt "a"', 'members.display eq "x"', 'members[display eq "x"]', 'displayName eq'],
)
def test_unsupported_filter_is_invalid(scim_client, base, scim_filter):
    assert_scim_error(scim_client.get(f"{base}/Groups", {"filter": scim_filter}), 400, "invalidFilter")


def test_list_pages_in_creation_order(organization, scim_client, base):
    created = [create_group(scim_client, base, f"Group {number}") for number in range(5)]

    page = scim_client.get(f"{base}/Groups", {"startIndex": 2, "count": 2, "excludedAttributes": "members"}).json()

    assert page["schemas"] == [LIST_RESPONSE]
    assert page["totalResults"] == 5
    assert page["startIndex"] == 2
    assert page["itemsPerPage"] == 2
    assert [resource["id"] for resource in page["Resources"]] == created[1:3]


def test_attributes_selects_display_name(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[person])

    body = scim_client.get(f"{base}/Groups/{group_id}", {"attributes": "displayName"}).json()

    assert body == {"schemas": [CORE_GROUP], "id": group_id, "displayName": "Team"}


def test_attributes_accept_group_urn_prefix(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[person])

    selected = scim_client.get(f"{base}/Groups/{group_id}", {"attributes": f"{CORE_GROUP}:displayName"}).json()
    excluded = scim_client.get(f"{base}/Groups", {"excludedAttributes": f"{CORE_GROUP}:members"}).json()

    assert selected == {"schemas": [CORE_GROUP], "id": group_id, "displayName": "Team"}
    assert "members" not in excluded["Resources"][0]


def test_member_display_only_on_request(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[person])

    default = scim_client.get(f"{base}/Groups/{group_id}").json()
    requested = scim_client.get(f"{base}/Groups/{group_id}", {"attributes": "members.display"}).json()

    assert "display" not in default["members"][0]
    assert requested["members"] == [{"display": person.display_name}]


def test_group_search_endpoint(organization, scim_client, base):
    group_id = create_group(scim_client, base, "Team")
    create_group(scim_client, base, "Other")

    response = send(
        scim_client,
        "post",
        f"{base}/Groups/.search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'displayName eq "team"',
            "excludedAttributes": ["members"],
        },
    )

    assert response.status_code == 200
    assert [resource["id"] for resource in response.json()["Resources"]] == [group_id]


def test_root_search_lists_users_then_groups(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team")
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "attributes": ["externalId"]}

    everything = send(scim_client, "post", f"{base}/.search", body).json()
    second_only = send(scim_client, "post", f"{base}/.search", {**body, "startIndex": 2, "count": 1}).json()
    groups_only = send(scim_client, "post", f"{base}/.search", {**body, "filter": 'displayName eq "TEAM"'}).json()

    assert everything["totalResults"] == 2
    assert [resource["id"] for resource in everything["Resources"]] == [str(person.id), group_id]
    assert [resource["id"] for resource in second_only["Resources"]] == [group_id]
    assert [resource["id"] for resource in groups_only["Resources"]] == [group_id]


def test_root_search_filter_no_type_understands(scim_client, base):
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": 'nickName eq "x"'}

    assert_scim_error(send(scim_client, "post", f"{base}/.search", body), 400, "invalidFilter")


# Large groups


def test_members_beyond_bound_are_too_many(organization, scim_client, base, monkeypatch):
    people = [make_person(organization) for _ in range(3)]
    group_id = create_group(scim_client, base, "Large", members=people)
    monkeypatch.setattr(scim_groups, "MAX_MEMBERS_PER_RESPONSE", 2)

    with_members = scim_client.get(f"{base}/Groups/{group_id}")
    without_members = scim_client.get(f"{base}/Groups/{group_id}", {"excludedAttributes": "members"})
    listed = scim_client.get(f"{base}/Groups")

    assert_scim_error(with_members, 400, "tooMany")
    assert without_members.status_code == 200
    assert_scim_error(listed, 400, "tooMany")


# ETags


def test_writes_increase_version(organization, scim_client, base):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team")
    path = f"{base}/Groups/{group_id}"

    patched = patch(scim_client, base, group_id, {"op": "add", "path": "members", "value": [{"value": str(person.id)}]})
    replaced = send(scim_client, "put", path, {"displayName": "Crew"})
    read = scim_client.get(path)

    assert patched["ETag"] == 'W/"2"'
    assert replaced["ETag"] == 'W/"3"'
    assert read["ETag"] == read.json()["meta"]["version"] == 'W/"3"'


def test_get_if_none_match_is_not_modified(organization, scim_client, base):
    group_id = create_group(scim_client, base, "Team")

    unchanged = scim_client.get(f"{base}/Groups/{group_id}", HTTP_IF_NONE_MATCH='W/"1"')
    changed = scim_client.get(f"{base}/Groups/{group_id}", HTTP_IF_NONE_MATCH='W/"0"')

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == 'W/"1"'
    assert changed.status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_if_match_other_version_fails(organization, scim_client, base, method):
    person = make_person(organization)
    group_id = create_group(scim_client, base, "Team", members=[person])
    bodies = {
        "put": {"displayName": "Crew"},
        "patch": patch_body({"op": "replace", "path": "displayName", "value": "Crew"}),
        "delete": None,
    }

    data = json.dumps(bodies[method]) if bodies[method] is not None else ""
    response = getattr(scim_client, method)(
        f"{base}/Groups/{group_id}", data=data, content_type="application/scim+json", HTTP_IF_MATCH='W/"7"'
    )

    body = assert_scim_error(response, 412)
    assert body["detail"] == 'The group has changed; its current version is W/"1".'
    group = Group.objects.get(id=group_id)
    assert group.name == "Team"
    assert group.version == 1
    assert member_ids(group_id) == {person.id}


def test_if_match_current_version_applies(organization, scim_client, base):
    group_id = create_group(scim_client, base, "Team")

    response = scim_client.patch(
        f"{base}/Groups/{group_id}",
        data=json.dumps(patch_body({"op": "replace", "path": "displayName", "value": "Crew"})),
        content_type="application/scim+json",
        HTTP_IF_MATCH='W/"1"',
    )

    assert response.status_code == 204
    assert Group.objects.get(id=group_id).name == "Crew"


# Discovery


def test_group_resource_type(scim_client, base):
    response = scim_client.get(f"{base}/ResourceTypes/Group")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "Group"
    assert body["endpoint"] == "/Groups"
    assert body["schema"] == CORE_GROUP
    assert body["meta"] == {"resourceType": "ResourceType", "location": f"http://testserver{base}/ResourceTypes/Group"}
    assert "schemaExtensions" not in body


def test_group_schema_publishes_stored_attributes(scim_client, base):
    schema = scim_client.get(f"{base}/Schemas/{CORE_GROUP}").json()

    attributes = {attribute["name"]: attribute for attribute in schema["attributes"]}
    assert list(attributes) == ["displayName", "externalId", "members"]
    assert attributes["displayName"]["required"] is True
    assert attributes["displayName"]["uniqueness"] == "server"
    assert attributes["displayName"]["caseExact"] is False
    assert attributes["externalId"]["required"] is False
    assert attributes["externalId"]["caseExact"] is True
    members = {sub["name"]: sub for sub in attributes["members"]["subAttributes"]}
    assert list(members) == ["value", "$ref", "display"]
    assert members["value"]["mutability"] == "immutable"
    assert members["$ref"]["referenceTypes"] == ["User"]
    assert members["display"]["mutability"] == "readOnly"
    assert members["display"]["returned"] == "request"
    assert schema["meta"]["location"] == f"http://testserver{base}/Schemas/{CORE_GROUP}"
