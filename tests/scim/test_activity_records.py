"""Every SCIM request leaves exactly one provisioning activity record, with no secret."""

import logging

import pytest
from django.test import Client

from audit.models import ProvisioningEvent
from tests.scim.helpers import okta_user, patch_body, send

PASSWORD = "xK2#placeholder-from-okta"


def only_event():
    [event] = ProvisioningEvent.objects.all()
    ProvisioningEvent.objects.all().delete()
    return event


def assert_no_secret(event, token):
    stored = " ".join([event.client, event.path, event.detail, event.request_body, event.response_body])
    assert token not in stored
    assert token.split("_", 2)[2] not in stored
    assert PASSWORD not in stored


@pytest.mark.django_db
def test_okta_lifecycle_one_record_each(scim_client, scim_token, base, organization):
    prefix = scim_token.split("_")[1]

    scim_client.get(base + "/Users", {"filter": 'userName eq "ada.lovelace@example.com"', "count": 100})
    lookup = only_event()
    created = send(scim_client, "post", base + "/Users", okta_user()).json()
    create = only_event()
    send(scim_client, "put", f"{base}/Users/{created['id']}", {**okta_user(), "title": "Countess"})
    update = only_event()
    send(scim_client, "patch", f"{base}/Users/{created['id']}", patch_body({"op": "replace", "value": {"active": False}}))
    deactivate = only_event()
    send(scim_client, "patch", f"{base}/Users/{created['id']}", patch_body({"op": "Replace", "path": "active", "value": "True"}))
    reactivate = only_event()
    scim_client.get(base + "/Users", {"startIndex": 1, "count": 100})
    import_page = only_event()
    send(scim_client, "post", base + "/Users", okta_user(external_id="00u-other"))
    conflict = only_event()
    scim_client.delete(f"{base}/Users/{created['id']}")
    delete = only_event()

    expected = [
        (lookup, "lookup", 200, None),
        (create, "create", 201, created["id"]),
        (update, "update", 200, created["id"]),
        (deactivate, "deactivate", 200, created["id"]),
        (reactivate, "reactivate", 200, created["id"]),
        (import_page, "import_page", 200, None),
        (conflict, "create", 409, None),
        (delete, "delete", 204, created["id"]),
    ]
    for event, operation, status, person_id in expected:
        assert event.organization == organization
        assert event.operation == operation, event.path
        assert event.status == status, event.path
        assert (str(event.person_id) if event.person_id else None) == person_id, event.path
        assert event.client == f"bearer token {prefix}"
        assert_no_secret(event, scim_token)
    assert create.person_user_name == "ada.lovelace@example.com"
    assert '"password": "[redacted]"' in create.request_body
    assert conflict.scim_type == "uniqueness"
    assert "already exists" in conflict.detail


@pytest.mark.django_db
def test_group_requests_name_the_group(scim_client, base, organization):
    created = send(scim_client, "post", base + "/Groups", {"displayName": "Engineering"}).json()
    create = only_event()
    send(scim_client, "patch", f"{base}/Groups/{created['id']}", patch_body({"op": "replace", "value": {"displayName": "Eng"}}))
    rename = only_event()
    scim_client.get(f"{base}/Groups/{created['id']}")
    lookup = only_event()
    scim_client.delete(f"{base}/Groups/{created['id']}")
    delete = only_event()

    expected = [(create, "group", 201, "Engineering"), (rename, "group", 204, "Eng"), (lookup, "lookup", 200, "Eng"),
                (delete, "group", 204, "Eng")]
    for event, operation, status, name in expected:
        assert (event.operation, event.status, event.group_display_name) == (operation, status, name), event.path
        assert str(event.group_id) == created["id"]
        assert event.person_id is None


@pytest.mark.django_db
def test_rejected_token_one_record(scim_token, base, organization):
    wrong = scim_token[:-4] + "AAAA"

    response = Client().get(base + "/Users", HTTP_AUTHORIZATION=f"Bearer {wrong}")

    event = only_event()
    assert response.status_code == 401
    assert event.status == 401
    assert event.client == f"bearer token {scim_token.split('_')[1]} (rejected)"
    assert "A valid bearer token" in event.detail
    assert_no_secret(event, wrong)


@pytest.mark.django_db
def test_full_run_logs_no_secret(scim_client, scim_token, base, caplog):
    caplog.set_level(logging.DEBUG)

    created = send(scim_client, "post", base + "/Users", okta_user()).json()
    send(scim_client, "put", f"{base}/Users/{created['id']}", {**okta_user(), "password": "Second-Secret-5"})
    send(scim_client, "patch", f"{base}/Users/{created['id']}", patch_body({"op": "replace", "path": "password", "value": "Third-Secret-6"}))
    Client().get(base + "/Users", HTTP_AUTHORIZATION="Bearer scim_AAAAAAAAAAAA_" + "b" * 43)
    scim_client.delete(f"{base}/Users/{created['id']}")

    for secret in [scim_token, scim_token.split("_", 2)[2], PASSWORD, "Second-Secret-5", "Third-Secret-6", "b" * 43]:
        assert secret not in caplog.text
    assert "scim.authentication_rejected" in caplog.text
