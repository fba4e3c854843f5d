import json
import logging
import uuid

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory

from audit.models import ProvisioningEvent
from audit.recording import infer_activity

pytestmark = pytest.mark.urls("tests.audit.scim_stub_urls")
OKTA_CREATE = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "ada@example.com",
    "password": "Okta-Random-Password-1",
    "active": True,
}


def scim_url(organization, rest="/Users"):
    return f"/{organization.id}/identity_/api/scim/v2{rest}"


@pytest.mark.django_db
def test_create_recorded_once_without_password(organization):
    response = Client().post(
        scim_url(organization), json.dumps(OKTA_CREATE), content_type="application/scim+json",
        HTTP_AUTHORIZATION="Bearer good",
    )

    event = ProvisioningEvent.objects.get()
    assert response.status_code == 201
    assert event.organization == organization
    assert event.operation == ProvisioningEvent.Operation.CREATE
    assert event.status == 201
    assert event.method == "POST"
    assert event.person_id == uuid.UUID("6f1c4b9e-1f37-4c4e-9a57-0d9f2f3c1a10")
    assert event.person_user_name == "ada@example.com"
    assert "Okta-Random-Password-1" not in event.request_body
    assert json.loads(event.request_body)["password"] == "[redacted]"
    assert event.client == "unrecognized token (rejected)"


@pytest.mark.django_db
def test_conflict_recorded_with_scim_type(organization):
    Client().post(
        scim_url(organization), json.dumps({**OKTA_CREATE, "userName": "taken@example.com"}),
        content_type="application/scim+json", HTTP_AUTHORIZATION="Bearer good",
    )

    event = ProvisioningEvent.objects.get()
    assert event.status == 409
    assert event.scim_type == "uniqueness"
    assert event.detail == "userName is already taken."
    assert not event.succeeded


@pytest.mark.django_db
def test_nul_characters_recorded_as_replacement(organization):
    body = b'{"userName": "ada\x00@example.com"}'

    response = Client().post(scim_url(organization), body, content_type="application/scim+json")

    event = ProvisioningEvent.objects.get()
    assert response.status_code == 401
    assert event.status == 401
    assert event.request_body == '{"userName": "ada\ufffd@example.com"}'


@pytest.mark.django_db
def test_rejected_token_recorded_with_prefix_only(organization):
    token = "scim_AbCdEfGhIjKl_" + "y" * 43

    Client().get(scim_url(organization), HTTP_AUTHORIZATION=f"Bearer {token}")

    event = ProvisioningEvent.objects.get()
    assert event.status == 401
    assert event.client == "bearer token AbCdEfGhIjKl (rejected)"
    assert token not in event.client + event.request_body + event.response_body + event.path


@pytest.mark.django_db
def test_token_in_query_string_recorded_redacted(organization):
    token = "scim_AbCdEfGhIjKl_" + "z" * 43
    oauth_token = "Kf81xVq3LmT0pZ"

    Client().get(scim_url(organization), {"access_token": token, "count": "1"})
    Client().get(scim_url(organization), {"access_token": oauth_token})

    first, second = ProvisioningEvent.objects.order_by("occurred_at", "id")
    assert first.path == scim_url(organization) + "?access_token=[redacted]&count=1"
    assert second.path == scim_url(organization) + "?access_token=[redacted]"
    assert oauth_token not in second.path


@pytest.mark.django_db
def test_unknown_organization_not_recorded(db):
    Client().get(f"/{uuid.uuid4()}/identity_/api/scim/v2/Users", HTTP_AUTHORIZATION="Bearer good")

    assert not ProvisioningEvent.objects.exists()


@pytest.mark.django_db
def test_recording_failure_keeps_response(organization, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr("audit.recording.ProvisioningEvent.save", broken)

    with caplog.at_level(logging.ERROR):
        response = Client().get(scim_url(organization), HTTP_AUTHORIZATION="Bearer good")

    assert response.status_code == 200
    assert "provisioning_activity.record_failed" in caplog.text
    [failure] = [record for record in caplog.records if record.getMessage() == "provisioning_activity.record_failed"]
    assert failure.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_recorded_when_wsgi_server_closes_response(organization):
    """A WSGI server sends the body, then closes the response: only then is the request recorded."""
    environ = RequestFactory().get(scim_url(organization), HTTP_AUTHORIZATION="Bearer good").environ
    statuses = []
    # As Django's test client does, keep the test's database connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
        sent = b"".join(body)
        recorded_before_close = ProvisioningEvent.objects.exists()
        body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    assert statuses == ["200 OK"]
    assert json.loads(sent) == {"totalResults": 0, "Resources": []}
    assert not recorded_before_close
    event = ProvisioningEvent.objects.get()
    assert (event.method, event.status, event.operation) == ("GET", 200, ProvisioningEvent.Operation.IMPORT_PAGE)


@pytest.mark.django_db
def test_recording_costs_one_insert(organization, django_assert_num_queries):
    client = Client()
    request = {"HTTP_AUTHORIZATION": "Bearer good"}

    # The stand-in view runs no query and sets no request.scim_organization, so the
    # recorder looks the organization up, then inserts.
    with django_assert_num_queries(2):
        client.get(scim_url(organization), **request)


@pytest.mark.parametrize(
    ("method", "rest", "query", "body", "expected"),
    [
        ("GET", "/Users", {}, None, "import_page"),
        ("GET", "/Users", {"filter": 'userName eq "a"'}, None, "lookup"),
        ("GET", "/Users/6f1c4b9e-1f37-4c4e-9a57-0d9f2f3c1a10", {}, None, "lookup"),
        ("POST", "/Users", {}, {"userName": "a"}, "create"),
        ("PUT", "/Users/x", {}, {"userName": "a", "active": True}, "update"),
        ("PUT", "/Users/x", {}, {"userName": "a", "active": False}, "deactivate"),
        ("PATCH", "/Users/x", {}, {"Operations": [{"op": "replace", "value": {"active": False}}]}, "deactivate"),
        ("PATCH", "/Users/x", {}, {"Operations": [{"op": "Replace", "path": "active", "value": "True"}]}, "reactivate"),
        ("PATCH", "/Users/x", {}, {"Operations": [{"op": "replace", "path": "title", "value": "CFO"}]}, "update"),
        ("DELETE", "/Users/x", {}, None, "delete"),
        ("GET", "/ServiceProviderConfig", {}, None, "discovery"),
        ("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", {}, None, "discovery"),
        ("PATCH", "/Groups/x", {}, {"Operations": []}, "group"),
        ("GET", "/Bulk", {}, None, "other"),
    ],
)
def test_infer_activity_operation(method, rest, query, body, expected):
    assert infer_activity(method, rest, query, body, None)["operation"] == expected
