"""PATCH /Users/{id} (RFC 7644 §3.5.2) in the shapes Okta and Entra ID send."""

import pytest

from accounts.models import Person
from scim.errors import InvalidPath
from scim.patch import parse_path
from tests.factories import make_person
from tests.scim.helpers import ENTERPRISE_USER, assert_scim_error, okta_user, patch_body, send


@pytest.fixture
def user(scim_client, base):
    body = {
        **okta_user(),
        "title": "Analyst",
        "addresses": [{"type": "work", "locality": "London"}],
        ENTERPRISE_USER: {"department": "Engines"},
    }
    return send(scim_client, "post", base + "/Users", body).json()


def patch(scim_client, base, user, *operations):
    return send(scim_client, "patch", f"{base}/Users/{user['id']}", patch_body(*operations))


@pytest.mark.parametrize(
    "operation, field, expected",
    [
        ({"op": "replace", "value": {"active": False}}, "active", False),
        ({"op": "Replace", "path": "active", "value": "False"}, "active", False),
        ({"op": "REPLACE", "path": "Active", "value": "false"}, "active", False),
        ({"op": "replace", "path": "name.givenName", "value": "Augusta"}, "first_name", "Augusta"),
        ({"op": "Add", "path": "name.familyName", "value": "King"}, "last_name", "King"),
        ({"op": "replace", "path": "name", "value": {"familyName": "King"}}, "last_name", "King"),
        ({"op": "replace", "value": {"name.givenName": "Augusta"}}, "first_name", "Augusta"),
        ({"op": "replace", "value": {"name": {"givenName": "Augusta"}}}, "first_name", "Augusta"),
        ({"op": "replace", "path": "displayName", "value": "Countess"}, "display_name", "Countess"),
        ({"op": "replace", "path": "userName", "value": "ada.king@example.com"}, "user_name", "ada.king@example.com"),
        ({"op": "replace", "path": "externalId", "value": "00u-new"}, "external_id", "00u-new"),
        ({"op": "replace", "path": "title", "value": "Countess"}, "job_title", "Countess"),
        ({"op": "Add", "path": "title", "value": "Countess"}, "job_title", "Countess"),
        ({"op": "remove", "path": "title"}, "job_title", ""),
        ({"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ada@new.example.com"}, "email", "ada@new.example.com"),
        ({"op": "replace", "path": 'emails[type eq "work" and value co "@example.com"].value', "value": "x@example.com"}, "email", "x@example.com"),
        ({"op": "replace", "path": "emails", "value": [{"type": "work", "value": "y@example.com"}]}, "email", "y@example.com"),
        ({"op": "remove", "path": 'emails[type eq "work"]'}, "email", ""),
        ({"op": "remove", "path": "emails"}, "email", ""),
        ({"op": "add", "path": "emails", "value": [{"type": "work", "value": "z@example.com"}]}, "email", "z@example.com"),
        ({"op": "add", "value": {"emails": [{"type": "home", "value": "h@example.com"}]}}, "email", "ada.lovelace@example.com"),
        ({"op": "remove", "path": 'emails[type eq "work"].value'}, "email_primary", None),
        ({"op": "Replace", "path": 'addresses[type eq "work"].locality', "value": "Paris"}, "city", "Paris"),
        ({"op": "remove", "path": 'addresses[type eq "work"].locality'}, "city", ""),
        ({"op": "Replace", "path": f"{ENTERPRISE_USER}:department", "value": "Maths"}, "department", "Maths"),
        ({"op": "Add", "path": f"{ENTERPRISE_USER}:organization", "value": "Analytical"}, "company_name", "Analytical"),
        ({"op": "replace", "value": {f"{ENTERPRISE_USER}:department": "Maths"}}, "department", "Maths"),
        ({"op": "replace", "value": {ENTERPRISE_USER: {"organization": "Analytical"}}}, "company_name", "Analytical"),
        ({"op": "remove", "path": f"{ENTERPRISE_USER}:department"}, "department", ""),
        ({"op": "Add", "path": "nickName", "value": "Ada"}, "first_name", "Ada"),
        ({"op": "replace", "value": {"password": "new-placeholder"}}, "active", True),
    ],
)
def test_patch_operation_changes_field(scim_client, base, organization, user, operation, field, expected):
    response = patch(scim_client, base, user, operation)

    assert response.status_code == 200, response.content
    assert response.json()["id"] == user["id"]
    assert getattr(Person.objects.get(organization=organization), field) == expected


def test_patch_answers_with_resource_and_new_version(scim_client, base, organization, user):
    response = patch(scim_client, base, user, {"op": "replace", "path": "title", "value": "Countess"})

    body = response.json()
    assert body["title"] == "Countess"
    assert body["meta"]["version"] == 'W/"2"'
    assert response["Location"] == body["meta"]["location"]
    assert Person.objects.get(organization=organization).version == 2


def test_patch_reactivates(scim_client, base, organization, user):
    patch(scim_client, base, user, {"op": "replace", "value": {"active": False}})

    response = patch(scim_client, base, user, {"op": "replace", "value": {"active": True}})

    assert response.json()["active"] is True
    assert Person.objects.get(organization=organization).active is True


def test_patch_applies_all_operations_or_none(scim_client, base, organization, user):
    response = patch(
        scim_client,
        base,
        user,
        {"op": "replace", "path": "title", "value": "Countess"},
        {"op": "replace", "path": "active", "value": "perhaps"},
    )

    assert_scim_error(response, 400, "invalidValue")
    person = Person.objects.get(organization=organization)
    assert person.job_title == "Analyst"
    assert person.active is True
    assert person.version == 1


@pytest.mark.parametrize(
    "operation, scim_type",
    [
        ({"op": "remove"}, "noTarget"),
        ({"op": "replace", "path": 'emails[value eq "nobody@example.com"].value', "value": "x@example.com"}, "noTarget"),
        ({"op": "replace", "path": "userName", "value": ""}, "invalidValue"),
        ({"op": "remove", "path": "externalId"}, "invalidValue"),
        ({"op": "remove", "path": "displayName"}, "invalidValue"),
        ({"op": "replace", "path": "title"}, "invalidValue"),
        ({"op": "replace", "value": "Countess"}, "invalidValue"),
        ({"op": "move", "path": "title", "value": "x"}, "invalidSyntax"),
        ({"path": "title", "value": "x"}, "invalidSyntax"),
        ({"op": "replace", "path": "title[", "value": "x"}, "invalidPath"),
        ({"op": "replace", "path": 7, "value": "x"}, "invalidPath"),
        ({"op": "replace", "path": "urn:example:custom:title", "value": "x"}, "invalidPath"),
    ],
)
def test_invalid_patch_operation_is_400(scim_client, base, organization, user, operation, scim_type):
    assert_scim_error(patch(scim_client, base, user, operation), 400, scim_type)
    assert Person.objects.get(organization=organization).version == 1


@pytest.mark.parametrize("body", [{}, {"Operations": []}, {"Operations": "replace"}, {"Operations": ["replace"]}])
def test_patch_without_operations_is_400(scim_client, base, user, body):
    response = send(scim_client, "patch", f"{base}/Users/{user['id']}", body)

    assert_scim_error(response, 400, "invalidSyntax")


def test_patch_to_taken_user_name_is_409(scim_client, base, user):
    send(scim_client, "post", base + "/Users", okta_user("taken@example.com", external_id="other"))

    response = patch(scim_client, base, user, {"op": "replace", "path": "userName", "value": "TAKEN@example.com"})

    assert_scim_error(response, 409, "uniqueness")


def test_patch_unknown_user_is_404(scim_client, base):
    response = send(
        scim_client,
        "patch",
        f"{base}/Users/00000000-0000-0000-0000-000000000000",
        patch_body({"op": "replace", "value": {"active": False}}),
    )

    assert_scim_error(response, 404)


def test_patch_person_created_here_without_external_id(scim_client, base, organization):
    person = make_person(organization, display_name="")

    response = send(scim_client, "patch", f"{base}/Users/{person.id}", patch_body({"op": "replace", "value": {"active": False}}))

    assert response.status_code == 200
    assert "externalId" not in response.json()
    person.refresh_from_db()
    assert person.active is False
    assert person.external_id is None


def test_patch_two_people_without_external_id(scim_client, base, organization):
    first, second = make_person(organization), make_person(organization)

    for person in (first, second):
        response = send(scim_client, "patch", f"{base}/Users/{person.id}", patch_body({"op": "replace", "path": "title", "value": "x"}))
        assert response.status_code == 200

    assert Person.objects.filter(organization=organization, external_id__isnull=True).count() == 2


def test_parse_path_keeps_parsed_paths():
    first = parse_path('emails[type eq "work"].value')

    assert parse_path('emails[type eq "work"].value') is first
    assert (first.attribute, first.sub_attribute, first.urn) == ("emails", "value", None)


def test_parse_path_rejects_invalid_path_each_time():
    for _ in range(2):
        with pytest.raises(InvalidPath):
            parse_path("name.givenName.extra")


def test_patch_with_same_value_filter_path_twice(scim_client, base, user):
    """A kept Path serves the next request unchanged: the filter of the first is not consumed."""
    operation = {"op": "replace", "path": 'emails[type eq "work"].value', "value": "second@example.com"}
    assert patch(scim_client, base, user, operation).status_code == 200
    operation["value"] = "third@example.com"

    response = patch(scim_client, base, user, operation)

    assert response.status_code == 200
    assert [email["value"] for email in response.json()["emails"] if email["type"] == "work"] == ["third@example.com"]
    assert Person.objects.get(pk=user["id"]).email == "third@example.com"
