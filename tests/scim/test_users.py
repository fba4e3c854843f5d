"""POST, GET, PUT and DELETE on /Users."""

import logging

import pytest

from accounts.models import Person
from audit.models import AuditEvent, ProvisioningEvent
from scim import services
from tests.factories import make_person
from tests.scim.helpers import CORE_USER, ENTERPRISE_USER, assert_scim_error, okta_user, send


def full_user():
    return {
        **okta_user("grace@example.com", external_id="ext-grace", given="Grace", family="Hopper"),
        "schemas": [CORE_USER, ENTERPRISE_USER],
        "title": "Rear Admiral",
        "addresses": [{"type": "work", "locality": "Arlington"}, {"type": "home", "locality": "New York"}],
        ENTERPRISE_USER: {"department": "Navy", "organization": "US Navy", "employeeNumber": "42"},
    }


def test_post_creates_person_with_every_mapped_attribute(scim_client, base, organization):
    response = send(scim_client, "post", base + "/Users", full_user())

    assert response.status_code == 201
    person = Person.objects.get(organization=organization)
    body = response.json()
    location = f"http://testserver{base}/Users/{person.id}"
    assert response["Location"] == location
    assert response["Content-Type"] == "application/scim+json"
    assert body["id"] == str(person.id)
    assert body["schemas"] == [CORE_USER, ENTERPRISE_USER]
    assert body["userName"] == "grace@example.com"
    assert body["externalId"] == "ext-grace"
    assert body["displayName"] == "Grace Hopper"
    assert body["name"] == {"givenName": "Grace", "familyName": "Hopper"}
    assert body["emails"] == [{"value": "grace@example.com", "type": "work", "primary": True}]
    assert body["title"] == "Rear Admiral"
    assert body["addresses"] == [{"type": "work", "locality": "Arlington"}]
    assert body[ENTERPRISE_USER] == {"department": "Navy", "organization": "US Navy"}
    assert body["active"] is True
    assert "password" not in body
    assert "groups" not in body
    assert body["meta"]["resourceType"] == "User"
    assert body["meta"]["location"] == location
    assert body["meta"]["version"] == 'W/"1"'
    assert body["meta"]["created"].endswith("Z")
    assert body["meta"]["lastModified"].endswith("Z")
    assert (person.user_name, person.external_id, person.email) == ("grace@example.com", "ext-grace", "grace@example.com")
    assert (person.first_name, person.last_name, person.display_name) == ("Grace", "Hopper", "Grace Hopper")
    assert (person.job_title, person.city, person.department, person.company_name) == (
        "Rear Admiral",
        "Arlington",
        "Navy",
        "US Navy",
    )
    assert person.source == Person.Source.DIRECTORY
    assert person.active is True
    assert person.user_id is None
    assert person.search_text == "grace@example.com grace@example.com Grace Hopper Grace Hopper"
    assert person.version == 1
    assert body["meta"]["created"] == person.created_at.isoformat().replace("+00:00", "Z")


def test_post_never_echoes_or_logs_password(scim_client, base, caplog):
    caplog.set_level(logging.DEBUG)

    response = send(scim_client, "post", base + "/Users", okta_user())

    assert response.status_code == 201
    assert b"placeholder-from-okta" not in response.content
    assert "placeholder-from-okta" not in caplog.text


@pytest.mark.parametrize("attribute", ["externalId", "userName", "displayName"])
@pytest.mark.parametrize("missing", [None, "", "   ", "drop"])
def test_post_without_required_attribute_is_400(scim_client, base, attribute, missing):
    body = okta_user()
    if missing == "drop":
        del body[attribute]
    else:
        body[attribute] = missing

    response = send(scim_client, "post", base + "/Users", body)

    error = assert_scim_error(response, 400, "invalidValue")
    assert attribute in error["detail"]
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "change, named",
    [
        ({"userName": 7}, "userName"),
        ({"userName": "x" * 256}, "userName"),
        ({"userName": " ada@example.com "}, "userName"),
        ({"externalId": "00u1 "}, "externalId"),
        ({"name": "Ada"}, "name"),
        ({"name": {"givenName": ["Ada"]}}, "name.givenName"),
        ({"emails": {"value": "a@example.com"}}, "emails"),
        ({"emails": [{"type": "work", "value": "a@example.com"}, {"type": "work", "value": "b@example.com"}]}, "emails"),
        ({"active": "maybe"}, "active"),
        ({ENTERPRISE_USER: "Navy"}, ENTERPRISE_USER),
    ],
)
def test_post_with_invalid_value_is_400(scim_client, base, change, named):
    response = send(scim_client, "post", base + "/Users", {**okta_user(), **change})

    error = assert_scim_error(response, 400, "invalidValue")
    assert named in error["detail"]


@pytest.mark.parametrize("body", ["{not json", "[]", '"text"'])
def test_post_with_malformed_body_is_400(scim_client, base, body):
    response = scim_client.post(base + "/Users", data=body, content_type="application/scim+json")

    assert_scim_error(response, 400, "invalidSyntax")


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "application/scim+json"])
def test_post_accepts_json_media_types(scim_client, base, content_type):
    assert send(scim_client, "post", base + "/Users", okta_user(), content_type=content_type).status_code == 201


def test_post_with_form_media_type_is_415(scim_client, base):
    response = scim_client.post(base + "/Users", data={"userName": "x"})

    assert_scim_error(response, 415)


def test_post_larger_than_upload_limit_is_413(scim_client, base, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = send(scim_client, "post", base + "/Users", {**okta_user(), "title": "x" * 2000})

    assert_scim_error(response, 413)


def test_post_same_user_name_any_case_is_409(scim_client, base, organization):
    send(scim_client, "post", base + "/Users", okta_user("ada@example.com", external_id="1"))

    response = send(scim_client, "post", base + "/Users", okta_user("ADA@Example.COM", external_id="2"))

    error = assert_scim_error(response, 409, "uniqueness")
    assert "userName" in error["detail"]
    assert "constraint" not in error["detail"]
    assert Person.objects.filter(organization=organization).count() == 1


def test_post_same_external_id_is_409(scim_client, base):
    send(scim_client, "post", base + "/Users", okta_user("one@example.com", external_id="same"))

    response = send(scim_client, "post", base + "/Users", okta_user("two@example.com", external_id="same"))

    error = assert_scim_error(response, 409, "uniqueness")
    assert "externalId" in error["detail"]


def test_get_returns_person(scim_client, base, organization):
    person = make_person(organization, external_id="e-1")

    response = scim_client.get(f"{base}/Users/{person.id}")

    assert response.status_code == 200
    assert response.json()["userName"] == person.user_name
    assert response.json()["externalId"] == "e-1"


@pytest.mark.parametrize("person_id", ["123456789012345678901234567890", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_get_unknown_id_is_404(scim_client, base, person_id):
    assert_scim_error(scim_client.get(f"{base}/Users/{person_id}"), 404)


def test_get_with_attributes_and_excluded_attributes(scim_client, base):
    created = send(scim_client, "post", base + "/Users", full_user()).json()
    url = f"{base}/Users/{created['id']}"

    only = scim_client.get(url, {"attributes": f"userName,name.givenName,{ENTERPRISE_USER}:department"}).json()
    without = scim_client.get(url, {"excludedAttributes": "emails,meta,name.familyName,id"}).json()

    assert only == {
        "schemas": [CORE_USER, ENTERPRISE_USER],
        "id": created["id"],
        "userName": "grace@example.com",
        "name": {"givenName": "Grace"},
        ENTERPRISE_USER: {"department": "Navy"},
    }
    assert "emails" not in without
    assert "meta" not in without
    assert without["name"] == {"givenName": "Grace"}
    assert without["id"] == created["id"]


def test_put_replaces_every_mapped_attribute(scim_client, base, organization):
    created = send(scim_client, "post", base + "/Users", full_user()).json()
    replacement = {
        **created,
        "userName": "grace.hopper@example.com",
        "name": {"givenName": "Grace B."},
        "emails": [],
        "meta": {"version": 'W/"99"', "created": "2000-01-01T00:00:00Z"},
        "id": "ignored",
        "password": "new-placeholder",
    }
    for attribute in ("title", "addresses", ENTERPRISE_USER):
        del replacement[attribute]

    response = send(scim_client, "put", f"{base}/Users/{created['id']}", replacement)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == created["id"]
    assert body["userName"] == "grace.hopper@example.com"
    assert body["name"] == {"givenName": "Grace B."}
    assert body["meta"]["version"] == 'W/"2"'
    assert body["meta"]["created"] == created["meta"]["created"]
    for absent in ("emails", "title", "addresses", ENTERPRISE_USER):
        assert absent not in body
    person = Person.objects.get(organization=organization)
    assert (person.email, person.last_name, person.job_title, person.city, person.department) == ("", "", "", "", "")
    assert person.version == 2


def test_put_without_active_keeps_person_inactive_or_active(scim_client, base, organization):
    created = send(scim_client, "post", base + "/Users", {**okta_user(), "active": False}).json()
    body = {**created}
    del body["active"]

    response = send(scim_client, "put", f"{base}/Users/{created['id']}", body)

    assert response.json()["active"] is False
    assert Person.objects.get(organization=organization).active is False


def test_put_unchanged_keeps_version(scim_client, base, organization):
    created = send(scim_client, "post", base + "/Users", okta_user()).json()

    response = send(scim_client, "put", f"{base}/Users/{created['id']}", created)

    assert response.json()["meta"]["version"] == 'W/"1"'
    assert Person.objects.get(organization=organization).version == 1


def test_put_unknown_id_is_404_and_creates_nothing(scim_client, base):
    response = send(scim_client, "put", f"{base}/Users/00000000-0000-0000-0000-000000000000", okta_user())

    assert_scim_error(response, 404)
    assert not Person.objects.exists()


def test_put_to_other_user_name_is_409(scim_client, base, organization):
    make_person(organization, user_name="taken@example.com")
    created = send(scim_client, "post", base + "/Users", okta_user()).json()

    response = send(scim_client, "put", f"{base}/Users/{created['id']}", {**created, "userName": "Taken@example.com"})

    assert_scim_error(response, 409, "uniqueness")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_collection_without_id_is_405(scim_client, base, method):
    response = send(scim_client, method, base + "/Users", okta_user())

    assert_scim_error(response, 405)
    assert response["Allow"] == "GET, POST"


@pytest.mark.parametrize("method", ["put", "patch"])
def test_collection_without_body_is_405(scim_client, base, method):
    response = getattr(scim_client, method)(base + "/Users")

    assert_scim_error(response, 405)
    assert response["Allow"] == "GET, POST"


def test_post_to_user_id_is_405(scim_client, base, organization):
    person = make_person(organization)

    response = send(scim_client, "post", f"{base}/Users/{person.id}", okta_user())

    assert_scim_error(response, 405)
    assert response["Allow"] == "GET, PUT, PATCH, DELETE"


def test_delete_removes_person_and_audits(scim_client, scim_token, base, organization, caplog):
    caplog.set_level(logging.INFO, logger="scim.people")
    person = make_person(organization, user_name="leaving@example.com", email="leaving@example.com")

    response = scim_client.delete(f"{base}/Users/{person.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert response["Content-Type"] == "application/scim+json"
    assert not Person.objects.filter(id=person.id).exists()
    assert_scim_error(scim_client.get(f"{base}/Users/{person.id}"), 404)
    assert_scim_error(scim_client.delete(f"{base}/Users/{person.id}"), 404)
    [record] = [record for record in caplog.records if record.name == "scim.people"]
    assert record.getMessage() == "scim.person_deleted"
    assert record.organization_id == str(organization.id)
    assert record.person_id == str(person.id)
    assert "leaving" not in caplog.text
    audit_row = AuditEvent.objects.get(organization=organization, action=AuditEvent.Action.PERSON_DELETED)
    assert audit_row.target == "leaving@example.com"
    assert audit_row.changes == {"person_id": str(person.id), "external_id": None}
    assert audit_row.actor_label == f"bearer token {scim_token.split('_')[1]}"
    activity = ProvisioningEvent.objects.get(organization=organization, method="DELETE", status=204)
    assert activity.operation == ProvisioningEvent.Operation.DELETE
    assert activity.person_id == person.id
    assert activity.person_user_name == "leaving@example.com"


def test_create_after_delete_succeeds(scim_client, base):
    created = send(scim_client, "post", base + "/Users", okta_user()).json()
    scim_client.delete(f"{base}/Users/{created['id']}")

    response = send(scim_client, "post", base + "/Users", okta_user())

    assert response.status_code == 201
    assert response.json()["id"] != created["id"]


def test_unexpected_error_is_generic_500(scim_client, base, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("relation accounts_person does not exist")

    monkeypatch.setattr("scim.services.create_person", fail)

    response = send(scim_client, "post", base + "/Users", okta_user())

    error = assert_scim_error(response, 500)
    assert "accounts_person" not in error["detail"]


def test_create_person_returns_saved_instance(organization):
    person = services.create_person(organization, full_user())

    assert person._state.adding is False
    assert person._state.db == "default"
    stored = Person.objects.get(pk=person.pk)
    assert (stored.created_at, stored.updated_at) == (person.created_at, person.updated_at)
