"""Each SCIM request runs a fixed number of SQL queries, whatever the page or directory size.

The counts are on top of the request check, measured once per test on
/ServiceProviderConfig: looking up the organization and authenticating the token.
"""

import pytest

from accounts.models import Person
from tests.factories import make_group, make_person
from tests.scim.helpers import okta_user, patch_body, send


def add_people(organization, how_many):
    Person.objects.bulk_create(
        [Person(organization=organization, user_name=f"count{number:04}@example.com") for number in range(how_many)]
    )


@pytest.mark.parametrize("directory_size", [1, 150])
@pytest.mark.parametrize("count", [1, 100])
@pytest.mark.parametrize("scim_filter", [None, 'userName sw "count" and active eq true'])
def test_list_queries(
    scim_client, base, organization, request_check_queries, django_assert_num_queries, directory_size, count, scim_filter
):
    add_people(organization, directory_size)
    parameters = {"count": count, **({"filter": scim_filter} if scim_filter else {})}

    # The page, then the total count; a page shorter than count ends the list and needs no count.
    page_queries = 1 if directory_size < count else 2
    with django_assert_num_queries(request_check_queries + page_queries):
        response = scim_client.get(base + "/Users", parameters)

    assert response.json()["itemsPerPage"] == min(count, directory_size)
    assert response.json()["totalResults"] == directory_size


@pytest.mark.parametrize(
    ("start_index", "items", "page_queries"),
    [(51, 100, 2), (101, 50, 2), (150, 1, 2), (151, 0, 1), (10**30, 0, 1)],
    ids=["middle-page", "last-page", "last-person", "past-the-end", "past-any-offset"],
)
def test_list_queries_near_the_end(
    scim_client, base, organization, request_check_queries, django_assert_num_queries, start_index, items, page_queries
):
    add_people(organization, 150)

    # The total count, then the page unless it starts past the end.
    with django_assert_num_queries(request_check_queries + page_queries):
        response = scim_client.get(base + "/Users", {"startIndex": start_index, "count": 100})

    assert response.status_code == 200
    body = response.json()
    assert (body["totalResults"], body["itemsPerPage"], body["startIndex"]) == (150, items, start_index)


def test_search_queries(scim_client, base, organization, request_check_queries, django_assert_num_queries):
    add_people(organization, 120)
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "count": 100}

    # The counts of people and of groups, and the page of people; no group fits on the page.
    with django_assert_num_queries(request_check_queries + 3):
        response = scim_client.post(base + "/.search", data=body, content_type="application/scim+json")

    assert response.json()["itemsPerPage"] == 100


@pytest.mark.parametrize("path", ["/ResourceTypes", "/Schemas", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"])
def test_discovery_queries(scim_client, base, request_check_queries, django_assert_num_queries, path):
    with django_assert_num_queries(request_check_queries):
        assert scim_client.get(base + path).status_code == 200


def test_get_queries(scim_client, base, organization, request_check_queries, django_assert_num_queries):
    person = make_person(organization)
    add_people(organization, 50)

    # Nothing more: the bearer token's query reads the person too.
    with django_assert_num_queries(request_check_queries):
        assert scim_client.get(f"{base}/Users/{person.id}").status_code == 200


def test_post_queries(scim_client, base, request_check_queries, django_assert_num_queries):
    # The INSERT, here between a savepoint and its release because the test runs inside
    # a transaction; in production it runs alone, in autocommit.
    with django_assert_num_queries(request_check_queries + 3):
        assert send(scim_client, "post", base + "/Users", okta_user()).status_code == 201


def test_put_queries(scim_client, base, organization, request_check_queries, django_assert_num_queries):
    person = make_person(organization)

    # The bearer token's query reads the person too. Then the UPDATE that names the
    # version read, here between a savepoint and its release because the test runs
    # inside a transaction.
    with django_assert_num_queries(request_check_queries + 3):
        response = send(scim_client, "put", f"{base}/Users/{person.id}", okta_user())

    assert response.status_code == 200


def test_patch_queries(scim_client, base, organization, request_check_queries, django_assert_num_queries):
    person = make_person(organization)
    operations = [{"op": "replace", "path": "title", "value": f"Title {number}"} for number in range(20)]

    # Twenty operations still save once: the savepoint, the UPDATE and the release. The
    # bearer token's query reads the person.
    with django_assert_num_queries(request_check_queries + 3):
        response = send(scim_client, "patch", f"{base}/Users/{person.id}", patch_body(*operations))

    assert response.json()["title"] == "Title 19"


@pytest.mark.parametrize("groups", [0, 5])
def test_delete_queries(scim_client, base, organization, request_check_queries, django_assert_num_queries, groups):
    person = make_person(organization)
    for _ in range(groups):
        make_group(organization, members=[person])

    # The savepoint and the locked person. Then Django's delete collector deletes
    # memberships and SAML identities, sets to null the references from the SCIM
    # connection, bearer tokens, audit events and the SAML configuration (three), and
    # deletes the person. Last come the audit event's INSERT and the release.
    with django_assert_num_queries(request_check_queries + 13):
        assert scim_client.delete(f"{base}/Users/{person.id}").status_code == 204
