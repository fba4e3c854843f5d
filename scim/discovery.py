"""/ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7644 §4, RFC 7643 §5-7).

They advertise exactly what this service implements: PATCH, filters and weak
ETags, but no bulk, no sorting and no password change. Clients authenticate with
bearer tokens. The schemas are
django-scim2's bundled RFC 7643 User and Enterprise User schemas cut down to the
attributes that are stored and read back unchanged (see scim.adapters).
"""

import copy

from django_scim.constants import SchemaURI
from django_scim.schemas import default_schemas_getter

from scim.adapters import scim_base_url
from scim.filters import CORE_USER_URN, ENTERPRISE_USER_URN
from scim.group_discovery import group_resource_type, group_schema
from scim.group_filters import GROUP_URN

MAX_RESULTS = 200

# Published attributes and, for complex ones, their published sub-attributes.
PUBLISHED_USER_ATTRIBUTES = {
    "userName": None,
    "name": ("givenName", "familyName"),
    "displayName": None,
    "title": None,
    "active": None,
    "emails": ("value", "type", "primary"),
    "addresses": ("type", "locality"),
}
PUBLISHED_ENTERPRISE_ATTRIBUTES = {"department": None, "organization": None}

# externalId is a common attribute (RFC 7643 §3.1) that no bundled schema lists;
# the User schema publishes it because this service requires it.
EXTERNAL_ID_ATTRIBUTE = {
    "name": "externalId",
    "type": "string",
    "multiValued": False,
    "description": "The directory's identifier of the user, used to match and link the person.",
    "required": True,
    "caseExact": True,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "server",
}

# displayName is required by the attribute table. `active` always has a value
# (a create without it makes an active person), so it cannot be removed.
REQUIRED_OVERRIDES = {"displayName": True, "active": True}


def service_provider_config(organization_id):
    base_url = scim_base_url(organization_id)
    return {
        "schemas": [SchemaURI.SERVICE_PROVIDER_CONFIG],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "A bearer token of the organization in the Authorization header (RFC 6750).",
                "primary": True,
            }
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base_url}/ServiceProviderConfig"},
    }


def resource_types(organization_id):
    base_url = scim_base_url(organization_id)
    return {
        "User": {
            "schemas": [SchemaURI.RESOURCE_TYPE],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "A person of the organization",
            "schema": CORE_USER_URN,
            "schemaExtensions": [{"schema": ENTERPRISE_USER_URN, "required": False}],
            "meta": {"resourceType": "ResourceType", "location": f"{base_url}/ResourceTypes/User"},
        },
        "Group": group_resource_type(organization_id),
    }


def schemas(organization_id):
    base_url = scim_base_url(organization_id)
    bundled = {schema["id"]: schema for schema in default_schemas_getter()}
    published = {
        CORE_USER_URN: _cut(bundled[CORE_USER_URN], PUBLISHED_USER_ATTRIBUTES, [EXTERNAL_ID_ATTRIBUTE]),
        ENTERPRISE_USER_URN: _cut(bundled[ENTERPRISE_USER_URN], PUBLISHED_ENTERPRISE_ATTRIBUTES),
    }
    for urn, schema in published.items():
        schema["schemas"] = ["urn:ietf:params:scim:schemas:core:2.0:Schema"]
        schema["meta"] = {"resourceType": "Schema", "location": f"{base_url}/Schemas/{urn}"}
    published[GROUP_URN] = group_schema(organization_id)
    return published


def _cut(schema, published_attributes, extra_attributes=()):
    schema = copy.deepcopy(schema)
    attributes = [copy.deepcopy(attribute) for attribute in extra_attributes]
    for attribute in schema["attributes"]:
        name = attribute["name"]
        if name not in published_attributes:
            continue
        attribute["required"] = REQUIRED_OVERRIDES.get(name, attribute.get("required", False))
        sub_attribute_names = published_attributes[name]
        if sub_attribute_names is not None:
            attribute["subAttributes"] = [
                sub for sub in attribute["subAttributes"] if sub["name"] in sub_attribute_names
            ]
            for sub in attribute["subAttributes"]:
                if sub["name"] == "type":
                    sub["canonicalValues"] = ["work"]
        attributes.append(attribute)
    schema["attributes"] = attributes
    return schema


def list_response(resources, *, total_results=None, start_index=1):
    return {
        "schemas": [SchemaURI.LIST_RESPONSE],
        "totalResults": len(resources) if total_results is None else total_results,
        "itemsPerPage": len(resources),
        "startIndex": start_index,
        "Resources": resources,
    }
