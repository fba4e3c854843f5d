"""The Group entries of /ResourceTypes and /Schemas (RFC 7643 §6, §7, §8.7.1).

The schema is django-scim2's bundled RFC 7643 Group schema, cut down to what this
service stores and reads back: displayName (required, unique ignoring case),
externalId, and members. A member has `value` (a User id), `$ref` (the User's
location, accepted and recomputed from `value`) and the read-only `display`,
which is returned only on request. Members are Users only, so `type` is not
published.
"""

import copy

from django_scim.constants import SchemaURI
from django_scim.schemas import default_schemas_getter

from scim.adapters import scim_base_url
from scim.group_filters import GROUP_URN

EXTERNAL_ID_ATTRIBUTE = {
    "name": "externalId",
    "type": "string",
    "multiValued": False,
    "description": "The directory's identifier of the group.",
    "required": False,
    "caseExact": True,
    "mutability": "readWrite",
    "returned": "default",
    "uniqueness": "none",
}

MEMBER_DISPLAY_ATTRIBUTE = {
    "name": "display",
    "type": "string",
    "multiValued": False,
    "description": "The member's displayName, or userName when it has none.",
    "required": False,
    "caseExact": False,
    "mutability": "readOnly",
    "returned": "request",
    "uniqueness": "none",
}


def group_resource_type(organization_id):
    return {
        "schemas": [SchemaURI.RESOURCE_TYPE],
        "id": "Group",
        "name": "Group",
        "endpoint": "/Groups",
        "description": "A group of people synced from the organization's directory",
        "schema": GROUP_URN,
        "meta": {"resourceType": "ResourceType", "location": f"{scim_base_url(organization_id)}/ResourceTypes/Group"},
    }


def group_schema(organization_id):
    bundled = next(schema for schema in default_schemas_getter() if schema["id"] == GROUP_URN)
    schema = copy.deepcopy(bundled)
    attributes = {attribute["name"]: attribute for attribute in schema["attributes"]}

    display_name = attributes["displayName"]
    display_name["required"] = True
    display_name["uniqueness"] = "server"

    members = attributes["members"]
    sub_attributes = {sub["name"]: sub for sub in members["subAttributes"]}
    sub_attributes["value"]["caseExact"] = True
    sub_attributes["$ref"]["referenceTypes"] = ["User"]
    members["subAttributes"] = [sub_attributes["value"], sub_attributes["$ref"], copy.deepcopy(MEMBER_DISPLAY_ATTRIBUTE)]

    schema["attributes"] = [display_name, copy.deepcopy(EXTERNAL_ID_ATTRIBUTE), members]
    schema["schemas"] = ["urn:ietf:params:scim:schemas:core:2.0:Schema"]
    schema["meta"] = {"resourceType": "Schema", "location": f"{scim_base_url(organization_id)}/Schemas/{GROUP_URN}"}
    return schema
