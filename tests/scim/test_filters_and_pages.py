"""Filters (RFC 7644 §3.4.2.2) and pages (§3.4.2.4) on GET /Users and POST /.search."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Person
from tests.factories import make_organization, make_person
from tests.scim.helpers import LIST_RESPONSE, assert_scim_error


@pytest.fixture
def people(organization):
    """Three people of the organization and one of another organization."""
    ada = make_person(
        organization,
        user_name="Ada@Example.com",
        email="ada@example.com",
        external_id="ext-Ada",
        display_name="Ada Lovelace",
        first_name="Ada",
        last_name="Lovelace",
    )
    grace = make_person(
        organization,
        user_name="grace@example.org",
        email="grace@navy.example.org",
        external_id="ext-grace",
        display_name="Grace Hopper",
        first_name="Grace",
        last_name="Hopper",
        active=False,
    )
    edsger = make_person(
        organization, user_name="edsger@example.com", email="", external_id=None, display_name="Edsger", first_name="", last_name=""
    )
    make_person(make_organization(), user_name="ada@example.com", external_id="ext-Ada", display_name="Ada Elsewhere")
    Person.objects.filter(id=ada.id).update(created_at=timezone.now() - timedelta(days=2))
    return {"ada": ada, "grace": grace, "edsger": edsger}


def user_names(response):
    assert response.status_code == 200, response.content
    return sorted(resource["userName"] for resource in response.json()["Resources"])


@pytest.mark.parametrize(
    "scim_filter, expected",
    [
        ('userName eq "ada@example.com"', ["Ada@Example.com"]),
        ('USERNAME EQ "ADA@EXAMPLE.COM"', ["Ada@Example.com"]),
        ('userName ne "ada@example.com"', ["edsger@example.com", "grace@example.org"]),
        ('userName co "EXAMPLE.C"', ["Ada@Example.com", "edsger@example.com"]),
        ('userName sw "gr"', ["grace@example.org"]),
        ('userName ew ".org"', ["grace@example.org"]),
        ('userName sw "%"', []),
        ('userName co "_"', []),
        ('externalId eq "ext-Ada"', ["Ada@Example.com"]),
        ('externalId pr', ["Ada@Example.com", "grace@example.org"]),
        ('displayName eq "grace hopper"', ["grace@example.org"]),
        ('emails.value eq "ada@example.com"', ["Ada@Example.com"]),
        ('emails co "navy"', ["grace@example.org"]),
        ('emails[type eq "work"].value eq "grace@navy.example.org"', ["grace@example.org"]),
        ('emails[type eq "work" and value co "@example.com"]', ["Ada@Example.com"]),
        ('emails[type eq "home"]', []),
        ('emails pr', ["Ada@Example.com", "grace@example.org"]),
        ('name.givenName eq "ada"', ["Ada@Example.com"]),
        ('name.familyName sw "Hop"', ["grace@example.org"]),
        ("name.givenName pr", ["Ada@Example.com", "grace@example.org"]),
        ("active eq true", ["Ada@Example.com", "edsger@example.com"]),
        ("active eq false", ["grace@example.org"]),
        ('active eq "False"', ["grace@example.org"]),
        ("active ne true", ["grace@example.org"]),
        ('userName eq "ada@example.com" or userName eq "grace@example.org"', ["Ada@Example.com", "grace@example.org"]),
        ('userName co "example" and not (active eq false)', ["Ada@Example.com", "edsger@example.com"]),
        ('(userName sw "a" or userName sw "e") and externalId pr', ["Ada@Example.com"]),
        ('not (userName eq "ada@example.com")', ["edsger@example.com", "grace@example.org"]),
        ('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "edsger@example.com"', ["edsger@example.com"]),
        ('id eq "00000000-0000-0000-0000-000000000000"', []),
        ('id eq "not-a-uuid"', []),
    ],
)
def test_filter_matches(scim_client, base, people, scim_filter, expected):
    assert user_names(scim_client.get(base + "/Users", {"filter": scim_filter})) == expected


def test_filter_by_id(scim_client, base, people):
    response = scim_client.get(base + "/Users", {"filter": f'id eq "{people["grace"].id}"'})

    assert user_names(response) == ["grace@example.org"]


def test_filter_by_dates(scim_client, base, people):
    one_day_ago = (timezone.now() - timedelta(days=1)).isoformat()

    created_before = scim_client.get(base + "/Users", {"filter": f'meta.created lt "{one_day_ago}"'})
    modified_after = scim_client.get(base + "/Users", {"filter": f'meta.lastModified ge "{one_day_ago}"'})

    assert user_names(created_before) == ["Ada@Example.com"]
    assert user_names(modified_after) == ["Ada@Example.com", "edsger@example.com", "grace@example.org"]


def test_or_filter_stays_in_organization(scim_client, base, people):
    response = scim_client.get(base + "/Users", {"filter": 'externalId eq "ext-Ada" or displayName eq "Ada Elsewhere"'})

    assert user_names(response) == ["Ada@Example.com"]


def test_filter_value_with_escaped_quotes(scim_client, base, organization):
    make_person(organization, user_name="bob@example.com", display_name='Robert "Bob" Smith')
    make_person(organization, user_name="path@example.com", display_name="C:\\Users\\path")

    quoted = scim_client.get(base + "/Users", {"filter": r'displayName eq "Robert \"Bob\" Smith"'})
    backslashes = scim_client.get(base + "/Users", {"filter": r'displayName eq "C:\\Users\\path"'})

    assert user_names(quoted) == ["bob@example.com"]
    assert user_names(backslashes) == ["path@example.com"]


@pytest.mark.parametrize(
    "scim_filter",
    [
        'title eq "CFO"',
        'userName eq "a" and title eq "CFO"',
        'nickName pr',
        'name.middleName eq "x"',
        'userName gt "a"',
        'active co "t"',
        'active eq "yes"',
        'meta.created gt "yesterday"',
        'meta.created gt "2026-01-01T00:00:00"',
        'emails[primary eq true].display eq "x"',
        'emails[display eq "x"]',
        'addresses[type eq "work"]',
        'urn:example:custom:userName eq "a"',
        'userName eq',
        'userName xx "a"',
        '"a" OR 1=1 --',
        'userName eq "a" or',
        "(",
        r'userName eq "bad \q escape"',
    ],
)
def test_unsupported_or_invalid_filter_is_400(scim_client, base, people, scim_filter):
    error = assert_scim_error(scim_client.get(base + "/Users", {"filter": scim_filter}), 400, "invalidFilter")
    assert "Error" not in error["detail"]


def test_search_post_filters_and_projects(scim_client, base, people):
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": 'userName sw "ada"',
        "attributes": ["userName"],
        "startIndex": 1,
        "count": 10,
    }

    for path in ("/.search", "/Users/.search"):
        response = scim_client.post(base + path, data=body, content_type="application/scim+json")

        assert response.status_code == 200
        assert response.json()["Resources"] == [
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": str(people["ada"].id), "userName": "Ada@Example.com"}
        ]


def test_search_without_search_request_schema_is_400(scim_client, base, people):
    response = scim_client.post(base + "/.search", data={"filter": "userName pr"}, content_type="application/scim+json")

    assert_scim_error(response, 400, "invalidValue")


def test_list_response_shape(scim_client, base, people):
    body = scim_client.get(base + "/Users").json()

    assert body["schemas"] == [LIST_RESPONSE]
    assert body["totalResults"] == 3
    assert body["itemsPerPage"] == 3
    assert body["startIndex"] == 1
    assert [resource["userName"] for resource in body["Resources"]][0] == "Ada@Example.com"


def test_no_match_is_empty_list(scim_client, base, people):
    body = scim_client.get(base + "/Users", {"filter": 'userName eq "nobody@example.com"'}).json()

    assert body == {"schemas": [LIST_RESPONSE], "totalResults": 0, "itemsPerPage": 0, "startIndex": 1, "Resources": []}


@pytest.mark.parametrize(
    "start_index, count, expected_start, expected_items",
    [
        ("1", "2", 1, 2),
        ("0", "2", 1, 2),
        ("-5", "1", 1, 1),
        ("3", "100", 3, 1),
        ("9", "10", 9, 0),
        ("99999999999999999999", "10", 99999999999999999999, 0),
        ("1", "0", 1, 0),
        ("1", "-3", 1, 0),
        ("", "", 1, 3),
    ],
)
def test_page_parameters_are_clamped(scim_client, base, people, start_index, count, expected_start, expected_items):
    body = scim_client.get(base + "/Users", {"startIndex": start_index, "count": count}).json()

    assert body["totalResults"] == 3
    assert body["startIndex"] == expected_start
    assert body["itemsPerPage"] == expected_items
    assert len(body["Resources"]) == expected_items


@pytest.mark.parametrize("parameter", ["startIndex", "count"])
def test_non_integer_page_parameter_is_400(scim_client, base, parameter):
    assert_scim_error(scim_client.get(base + "/Users", {parameter: "ten"}), 400, "invalidValue")


def test_count_defaults_to_100_and_caps_at_200(scim_client, base, organization):
    Person.objects.bulk_create(
        [Person(organization=organization, user_name=f"bulk{number:03}@example.com") for number in range(205)]
    )

    default_page = scim_client.get(base + "/Users").json()
    large_page = scim_client.get(base + "/Users", {"count": "1000"}).json()

    assert default_page["itemsPerPage"] == 100
    assert large_page["itemsPerPage"] == 200
    assert large_page["totalResults"] == 205


def test_pages_are_stable_and_complete(scim_client, base, organization):
    Person.objects.bulk_create(
        [Person(organization=organization, user_name=f"page{number:02}@example.com") for number in range(25)]
    )

    seen = []
    for start_index in range(1, 26, 10):
        page = scim_client.get(base + "/Users", {"startIndex": start_index, "count": 10}).json()
        seen += [resource["id"] for resource in page["Resources"]]
    repeated = [resource["id"] for resource in scim_client.get(base + "/Users", {"count": 25}).json()["Resources"]]

    assert len(seen) == 25
    assert len(set(seen)) == 25
    assert seen == repeated
