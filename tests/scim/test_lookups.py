"""The short path of `userName eq` and `externalId eq` lookups, against the general filter path."""

import pytest

from accounts.models import Person
from audit.models import ProvisioningEvent
from scim.filters import PersonFilter
from scim.lookups import find_by_unique_attribute, unique_attribute_equality
from tests.factories import make_organization, make_person
from tests.scim.helpers import okta_user, send


@pytest.mark.parametrize(
    ("filter_text", "expected"),
    [
        ('userName eq "Ada.Lovelace@Example.com"', ("user_name", "Ada.Lovelace@Example.com")),
        ('USERNAME EQ "ada@example.com"', ("user_name", "ada@example.com")),
        ('  userName  eq  "ada@example.com"  ', ("user_name", "ada@example.com")),
        ('userName eq "Robert \\"Bob\\" Smith"', ("user_name", 'Robert "Bob" Smith')),
        ('externalId eq "00uAbC123"', ("external_id", "00uAbC123")),
        ('externalid eq "00u1"', ("external_id", "00u1")),
    ],
)
def test_equality_filter_read(filter_text, expected):
    assert unique_attribute_equality(filter_text) == expected


@pytest.mark.parametrize(
    "filter_text",
    [
        None,
        "",
        5,
        True,
        ["userName eq \"ada@example.com\""],
        'userName eq ""',
        'externalId eq ""',
        'userName ne "ada@example.com"',
        'userName sw "ada"',
        'userName eq "ada@example.com" and active eq true',
        'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada@example.com"',
        'emails.value eq "ada@example.com"',
        'userName eq "bad \\q escape"',
        'userName eq "unterminated',
        'userName\u00a0eq "ada@example.com"',
        'userName eq "\\ud800"',
        "userName eq ada@example.com",
    ],
)
def test_other_filters_not_read(filter_text):
    assert unique_attribute_equality(filter_text) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filter_text", "matches"),
    [
        ('userName eq "Ada.Lovelace@example.com"', 1),
        ('userName eq "ada.lovelace@EXAMPLE.com"', 1),
        ('userName eq "nobody@example.com"', 0),
        ('externalId eq "00uAda"', 1),
        ('externalId eq "00UADA"', 0),
        ('externalId eq "00uInactive"', 1),
        ('userName eq "other-org@example.com"', 0),
        ('userName eq "ΟΔΟΣ@example.gr"', 1),
        ('userName eq "Émile@example.fr"', 1),
    ],
)
def test_lookup_matches_general_filter(organization, django_assert_num_queries, filter_text, matches):
    make_person(organization, user_name="ada.lovelace@example.com", external_id="00uAda")
    make_person(organization, user_name="grace@example.com", external_id="00uInactive", active=False)
    make_person(organization, user_name="ADA.LOVELACE@example.org", external_id="00uada")
    make_person(make_organization(), user_name="other-org@example.com", external_id="00uAda")
    make_person(organization, user_name="ΟΔΟΣ@example.gr", external_id="00uGreek")
    make_person(organization, user_name="Émile@example.fr", external_id="00uFrench")
    request = type("ScimRequest", (), {"scim_organization": organization})()
    expected = list(PersonFilter.search(filter_text, request))

    with django_assert_num_queries(1):
        found = find_by_unique_attribute(organization.id, *unique_attribute_equality(filter_text))

    assert len(expected) == matches
    assert [person.pk for person in found] == [person.pk for person in expected]
    for person in found:
        assert isinstance(person, Person)
        assert person.organization_id == organization.id


@pytest.mark.django_db
def test_lookup_request_read_in_token_query(
    scim_client, base, organization, request_check_queries, django_assert_num_queries
):
    person = make_person(organization, user_name="ada@example.com", external_id="00uAda")

    # The bearer token's query reads the person too.
    with django_assert_num_queries(request_check_queries):
        response = scim_client.get(base + "/Users", {"filter": 'userName eq "ADA@example.com"'})

    body = response.json()
    assert response.status_code == 200
    assert (body["totalResults"], body["itemsPerPage"], body["startIndex"]) == (1, 1, 1)
    assert body["Resources"][0]["id"] == str(person.id)
    assert body["Resources"][0]["userName"] == "ada@example.com"
    assert body["Resources"][0]["externalId"] == "00uAda"


@pytest.mark.django_db
@pytest.mark.parametrize("filter_value", [5, True, ["x"], {"a": 1}])
def test_search_non_string_filter_rejected(scim_client, base, organization, filter_value):
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": filter_value}

    response = scim_client.post(base + "/Users/.search", data=body, content_type="application/scim+json")

    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("parameters", "total", "items"),
    [({"count": 0}, 1, 0), ({"startIndex": 2}, 1, 0), ({"attributes": "userName"}, 1, 1)],
    ids=["count-zero", "second-page", "projected"],
)
def test_lookup_request_paging(scim_client, base, organization, parameters, total, items):
    make_person(organization, user_name="ada@example.com", external_id="00uAda")

    response = scim_client.get(base + "/Users", {"filter": 'externalId eq "00uAda"', **parameters})

    body = response.json()
    assert response.status_code == 200
    assert (body["totalResults"], body["itemsPerPage"]) == (total, items)
    if "attributes" in parameters:
        assert set(body["Resources"][0]) == {"id", "schemas", "userName"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filter_text",
    [
        'userName eq "ada\\u0000@example.com"',
        'externalId eq "00u\\u0000"',
        'displayName co "a\\u0000"',
        'userName eq "\\ud800"',
    ],
)
def test_unstorable_filter_value_rejected(scim_client, base, organization, filter_text):
    response = scim_client.get(base + "/Users", {"filter": filter_text})

    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"
    assert "NUL character (U+0000) or a lone surrogate" in response.json()["detail"]


@pytest.mark.django_db
def test_create_with_nul_rejected(scim_client, base, organization):
    response = send(scim_client, "post", base + "/Users", okta_user("ada\u0000@example.com"))

    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert not Person.objects.filter(organization=organization).exists()


@pytest.mark.django_db
def test_lookup_names_person_in_activity(scim_client, base, organization):
    person = make_person(organization, user_name="ada@example.com", external_id="00uAda")

    scim_client.get(base + "/Users", {"filter": 'externalId eq "00uAda"'})
    scim_client.get(base + "/Users", {"filter": 'userName eq "Nobody@example.com"'})

    found, missing = ProvisioningEvent.objects.order_by("id")
    assert (found.operation, found.person_id, found.person_user_name) == ("lookup", person.id, "ada@example.com")
    assert (missing.operation, missing.person_id, missing.person_user_name) == ("lookup", None, "Nobody@example.com")


def test_lookup_by_id_matches_orm(organization, django_assert_num_queries):
    person = make_person(organization, user_name="ada@example.com", external_id="00uAda", email_primary=True)
    make_person(organization)
    expected = Person.objects.defer("search_text").get(pk=person.pk)

    with django_assert_num_queries(1):
        found = find_by_unique_attribute(organization.id, "id", str(person.id))

    assert [vars_of(candidate) for candidate in found] == [vars_of(expected)]
    assert found[0].get_deferred_fields() == {"search_text"}


def test_lookup_by_id_in_other_organization(organization):
    person = make_person(make_organization())

    assert find_by_unique_attribute(organization.id, "id", str(person.id)) == []


def vars_of(person):
    return {name: value for name, value in vars(person).items() if name != "_state"}
