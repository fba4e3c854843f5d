"""/ServiceProviderConfig, /ResourceTypes and /Schemas advertise what is implemented."""

import pytest

from tests.scim.helpers import CORE_USER, ENTERPRISE_USER, LIST_RESPONSE, assert_scim_error

CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def test_service_provider_config_features(scim_client, base, organization):
    response = scim_client.get(base + "/ServiceProviderConfig")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/scim+json"
    config = response.json()
    assert config["patch"] == {"supported": True}
    assert config["filter"] == {"supported": True, "maxResults": 200}
    assert config["bulk"]["supported"] is False
    assert config["sort"] == {"supported": False}
    assert config["etag"] == {"supported": True}
    assert config["changePassword"] == {"supported": False}
    assert [scheme["type"] for scheme in config["authenticationSchemes"]] == ["oauthbearertoken"]
    assert config["meta"]["location"] == f"http://testserver{base}/ServiceProviderConfig"


def test_resource_types_list_and_user(scim_client, base):
    listing = scim_client.get(base + "/ResourceTypes").json()
    user = scim_client.get(base + "/ResourceTypes/User").json()

    assert listing["schemas"] == [LIST_RESPONSE]
    assert listing["totalResults"] == 2
    assert listing["Resources"][0] == user
    assert user["endpoint"] == "/Users"
    assert user["schema"] == CORE_USER
    assert user["schemaExtensions"] == [{"schema": ENTERPRISE_USER, "required": False}]


def test_schemas_publish_only_stored_attributes(scim_client, base):
    listing = scim_client.get(base + "/Schemas").json()
    core = scim_client.get(f"{base}/Schemas/{CORE_USER}").json()
    enterprise = scim_client.get(f"{base}/Schemas/{ENTERPRISE_USER}").json()

    assert listing["totalResults"] == 3
    assert {schema["id"] for schema in listing["Resources"]} == {CORE_USER, ENTERPRISE_USER, CORE_GROUP}
    attributes = {attribute["name"]: attribute for attribute in core["attributes"]}
    assert list(attributes) == ["externalId", "userName", "name", "displayName", "title", "active", "emails", "addresses"]
    assert [sub["name"] for sub in attributes["name"]["subAttributes"]] == ["familyName", "givenName"]
    assert [sub["name"] for sub in attributes["emails"]["subAttributes"]] == ["value", "type", "primary"]
    assert [sub["name"] for sub in attributes["addresses"]["subAttributes"]] == ["locality", "type"]
    assert {name for name, attribute in attributes.items() if attribute["required"]} == {
        "externalId",
        "userName",
        "displayName",
        "active",
    }
    assert attributes["userName"]["caseExact"] is False
    assert attributes["externalId"]["caseExact"] is True
    assert [attribute["name"] for attribute in enterprise["attributes"]] == ["organization", "department"]


@pytest.mark.parametrize("path", ["/ResourceTypes/Role", "/Schemas/urn:example:unknown", "/Nothing", "/Users/x/y"])
def test_unknown_discovery_id_is_404(scim_client, base, path):
    assert_scim_error(scim_client.get(base + path), 404)


@pytest.mark.parametrize("path", ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_discovery_other_methods_are_405(scim_client, base, path, method):
    response = getattr(scim_client, method)(base + path, data="{}", content_type="application/scim+json")

    assert_scim_error(response, 405)
    assert response["Allow"] == "GET"


@pytest.mark.parametrize("path", ["/Me", "/Bulk"])
def test_unimplemented_endpoints_are_501(scim_client, base, path):
    assert_scim_error(scim_client.get(base + path), 501)
