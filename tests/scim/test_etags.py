"""Weak ETags from meta.version, If-Match and If-None-Match (RFC 7644 §3.14)."""

import json

import pytest

from accounts.models import Person
from tests.scim.helpers import assert_scim_error, okta_user, patch_body, send


@pytest.fixture
def user(scim_client, base):
    return send(scim_client, "post", base + "/Users", okta_user()).json()


def test_single_resource_responses_carry_etag(scim_client, base):
    created = send(scim_client, "post", base + "/Users", okta_user())
    read = scim_client.get(f"{base}/Users/{created.json()['id']}")
    patched = send(scim_client, "patch", f"{base}/Users/{created.json()['id']}", patch_body({"op": "replace", "path": "title", "value": "x"}))

    assert created["ETag"] == 'W/"1"'
    assert read["ETag"] == read.json()["meta"]["version"] == 'W/"1"'
    assert patched["ETag"] == patched.json()["meta"]["version"] == 'W/"2"'


@pytest.mark.parametrize("if_none_match, status", [('W/"1"', 304), ('"1"', 304), ("*", 304), ('W/"0", W/"1"', 304), ('W/"2"', 200)])
def test_get_if_none_match(scim_client, base, user, if_none_match, status):
    response = scim_client.get(f"{base}/Users/{user['id']}", HTTP_IF_NONE_MATCH=if_none_match)

    assert response.status_code == status
    assert response["ETag"] == 'W/"1"'
    if status == 304:
        assert response.content == b""


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_stale_if_match_is_412_and_changes_nothing(scim_client, base, user, method):
    body = patch_body({"op": "replace", "value": {"active": False}}) if method == "patch" else {**user, "active": False}

    response = scim_client.generic(
        method.upper(),
        f"{base}/Users/{user['id']}",
        data=json.dumps(body),
        content_type="application/scim+json",
        HTTP_IF_MATCH='W/"7"',
    )

    assert_scim_error(response, 412)
    person = Person.objects.get(id=user["id"])
    assert person.active is True
    assert person.version == 1


@pytest.mark.parametrize("if_match", ['W/"1"', '"1"', "*"])
def test_current_if_match_applies(scim_client, base, user, if_match):
    response = scim_client.generic(
        "PATCH",
        f"{base}/Users/{user['id']}",
        data=json.dumps(patch_body({"op": "replace", "value": {"active": False}})),
        content_type="application/scim+json",
        HTTP_IF_MATCH=if_match,
    )

    assert response.status_code == 200
    assert response["ETag"] == 'W/"2"'
    assert Person.objects.get(id=user["id"]).active is False


def test_delete_with_current_if_match(scim_client, base, user):
    response = scim_client.delete(f"{base}/Users/{user['id']}", HTTP_IF_MATCH='W/"1"')

    assert response.status_code == 204
    assert not Person.objects.filter(id=user["id"]).exists()
