"""Request bodies as Okta and Entra ID send them, and small SCIM response checks."""

import json

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SCIM_MEDIA_TYPE = "application/scim+json; charset=utf-8"


def okta_user(user_name="ada.lovelace@example.com", *, external_id="00u1abcdEFGH", given="Ada", family="Lovelace"):
    """A user as Okta pushes it: with a placeholder password, groups and locale."""
    return {
        "schemas": [CORE_USER],
        "userName": user_name,
        "externalId": external_id,
        "name": {"givenName": given, "familyName": family},
        "displayName": f"{given} {family}",
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "locale": "en-US",
        "password": "xK2#placeholder-from-okta",
        "groups": [],
        "active": True,
    }


def send(client, method, path, body=None, *, content_type=SCIM_MEDIA_TYPE):
    """Send a SCIM request with a JSON body, as Okta does."""
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(path, data=data, content_type=content_type)


def patch_body(*operations):
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def assert_scim_error(response, status, scim_type=None):
    assert response.status_code == status
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body["detail"]
    assert body.get("scimType") == scim_type
    return body
