"""Each /Groups request runs a fixed number of SQL queries, whatever the number of groups or members.

The counts are on top of the request check (looking up the organization and
authenticating the token), which the request_check_queries fixture measures.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Person
from tests.factories import make_group
from tests.scim.group_helpers import member_ids
from tests.scim.helpers import patch_body, send

pytestmark = pytest.mark.django_db


def add_people(organization, how_many):
    return Person.objects.bulk_create(
        [Person(organization=organization, user_name=f"member{number:05}@example.com") for number in range(how_many)]
    )


def add_groups(organization, how_many, members):
    groups = [make_group(organization, name=f"Directory group {number}") for number in range(how_many)]
    Membership.objects.bulk_create([Membership(group=group, person=person) for group in groups for person in members])
    return groups


@pytest.mark.parametrize(("group_count", "member_count"), [(1, 1), (30, 40)])
def test_list_with_members_queries(
    scim_client, base, organization, request_check_queries, django_assert_num_queries, group_count, member_count
):
    add_groups(organization, group_count, add_people(organization, member_count))

    # The page of groups and the members of the whole page. The page is shorter than
    # count, so it ends the list and needs no total count.
    with django_assert_num_queries(request_check_queries + 2):
        response = scim_client.get(f"{base}/Groups", {"count": 100})

    assert response.json()["itemsPerPage"] == group_count
    assert len(response.json()["Resources"][0]["members"]) == member_count


@pytest.mark.parametrize("member_count", [1, 60])
def test_list_without_members_queries(
    scim_client, base, organization, request_check_queries, django_assert_num_queries, member_count
):
    add_groups(organization, 3, add_people(organization, member_count))

    # The page of groups only: it ends the list, and members are never read.
    with django_assert_num_queries(request_check_queries + 1):
        response = scim_client.get(
            f"{base}/Groups", {"excludedAttributes": "members", "filter": 'displayName sw "directory"'}
        )

    assert response.json()["totalResults"] == 3


@pytest.mark.parametrize("member_count", [1, 60])
def test_get_queries(
    scim_client, base, organization, request_check_queries, django_assert_num_queries, member_count
):
    (group,) = add_groups(organization, 1, add_people(organization, member_count))

    # The group, then its members.
    with django_assert_num_queries(request_check_queries + 2):
        response = scim_client.get(f"{base}/Groups/{group.id}")

    assert len(response.json()["members"]) == member_count


def measure(client, method, path, body):
    with CaptureQueriesContext(connection) as context:
        response = send(client, method, path, body)
    return response, len(context.captured_queries)


@pytest.mark.parametrize("member_count", [1, 200])
def test_patch_add_members_queries(
    scim_client, base, organization, request_check_queries, django_assert_num_queries, member_count
):
    group = make_group(organization, name="Team")
    people = add_people(organization, member_count)
    body = patch_body({"op": "add", "path": "members", "value": [{"value": str(person.id)} for person in people]})

    # The transaction's savepoint and its release, the locked group, the member check,
    # the insert, and the group's update.
    with django_assert_num_queries(request_check_queries + 6):
        response = send(scim_client, "patch", f"{base}/Groups/{group.id}", body)

    assert response.status_code == 204
    assert len(member_ids(group.id)) == member_count


# NOTE: on SQLite, Django splits a bulk insert of more than 333 memberships into
# batches (999 query parameters, three per row), so the member counts stay below that.
@pytest.mark.parametrize("member_count", [1, 150])
def test_patch_each_operation_costs_fixed_queries(
    scim_client, base, organization, request_check_queries, member_count
):
    group = make_group(organization, name="Team")
    people = add_people(organization, member_count * 3)
    first, second, third = people[:member_count], people[member_count : 2 * member_count], people[2 * member_count :]
    values = lambda members: [{"value": str(person.id)} for person in members]  # noqa: E731
    path = f"{base}/Groups/{group.id}"

    _, rename_only = measure(scim_client, "patch", path, patch_body({"op": "replace", "value": {"displayName": "Crew"}}))
    _, with_add = measure(
        scim_client,
        "patch",
        path,
        patch_body(
            {"op": "replace", "value": {"displayName": "Crew"}},
            {"op": "add", "path": "members", "value": values(first)},
        ),
    )
    _, with_replace = measure(
        scim_client,
        "patch",
        path,
        patch_body(
            {"op": "replace", "value": {"displayName": "Crew"}},
            {"op": "replace", "path": "members", "value": values(second + third)},
        ),
    )
    _, with_removes = measure(
        scim_client,
        "patch",
        path,
        patch_body(
            {"op": "replace", "value": {"displayName": "Crew"}},
            {"op": "remove", "path": f'members[value eq "{second[0].id}"]'},
            {"op": "Remove", "path": "members", "value": values(third)},
        ),
    )

    # Add: the member check and the insert. Replace: the member check, the delete of
    # the others, and the insert. Each remove: one delete.
    assert with_add - rename_only == 2
    assert with_replace - rename_only == 3
    assert with_removes - rename_only == 2
    assert member_ids(group.id) == {person.id for person in second[1:]}


def test_post_queries(scim_client, base, organization, request_check_queries, django_assert_num_queries):
    people = add_people(organization, 50)
    body = {"displayName": "Team", "members": [{"value": str(person.id)} for person in people]}

    # The transaction's savepoint and its release, the member check, the insert of the
    # group, the insert of the members, then the group's members for the response.
    with django_assert_num_queries(request_check_queries + 6):
        response = send(scim_client, "post", f"{base}/Groups", body)

    assert response.status_code == 201


@pytest.mark.parametrize("member_count", [1, 60])
def test_delete_queries(
    scim_client, base, organization, request_check_queries, django_assert_num_queries, member_count
):
    (group,) = add_groups(organization, 1, add_people(organization, member_count))

    # The transaction's savepoint and its release, the locked group, the delete of the
    # memberships and of the group.
    with django_assert_num_queries(request_check_queries + 5):
        assert scim_client.delete(f"{base}/Groups/{group.id}").status_code == 204


def test_large_group_membership(scim_client, base, organization, request_check_queries):
    group = make_group(organization, name="Everyone in the directory")
    people = add_people(organization, 20_000)
    path = f"{base}/Groups/{group.id}"
    body = patch_body({"op": "add", "path": "members", "value": [{"value": str(person.id)} for person in people]})

    response, added_queries = measure(scim_client, "patch", path, body)
    _, small_queries = measure(
        scim_client, "patch", path, patch_body({"op": "add", "path": "members", "value": [{"value": str(people[0].id)}]})
    )
    listed = scim_client.get(f"{base}/Groups", {"excludedAttributes": "members"})

    assert response.status_code == 204
    assert Membership.objects.filter(group=group).count() == 20_000
    if connection.vendor == "postgresql":
        assert added_queries == small_queries
    assert listed.status_code == 200
    assert "members" not in listed.json()["Resources"][0]
