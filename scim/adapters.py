"""The SCIM User representation of accounts.models.Person (RFC 7643 §4.1).

django-scim2 0.23's SCIMUser reads and writes Django auth user fields, resets
missing attributes to '' on every write, type-checks nothing but `active`, and
builds URLs with reverse() calls that cannot carry the organization id. ScimPerson
subclasses it and replaces the representation both ways with the attribute table
below, which is also all that /Schemas publishes:

| SCIM attribute                          | Person field  | required |
| --------------------------------------- | ------------- | -------- |
| externalId                              | external_id   | yes      |
| userName                                | user_name     | yes      |
| displayName                             | display_name  | yes      |
| emails[type eq "work"].value            | email         |          |
| emails[type eq "work"].primary          | email_primary |          |
| name.givenName                          | first_name    |          |
| name.familyName                         | last_name     |          |
| title                                   | job_title     |          |
| addresses[type eq "work"].locality      | city          |          |
| enterprise extension department         | department    |          |
| enterprise extension organization       | company_name  |          |
| active                                  | active        |          |

Anything else a client sends (a placeholder password, groups, locale, other
email or address types) is accepted and ignored; a password is never stored.
"""

from django.conf import settings
from django_scim.adapters import SCIMUser

from accounts.models import Person
from scim.errors import InvalidValue
from scim.filters import CORE_USER_URN, ENTERPRISE_USER_URN, is_storable_text
from scim.versions import etag

SCIM_PATH = "identity_/api/scim/v2"
REQUIRED_ATTRIBUTES = ("externalId", "userName", "displayName")
WORK = "work"


def person_model():
    """USER_MODEL_GETTER for django-scim2."""
    return Person


def scim_base_url(organization_id):
    """Return the absolute SCIM base URL of an organization, from PUBLIC_BASE_URL."""
    return f"{settings.PUBLIC_BASE_URL}/{organization_id}/{SCIM_PATH}"


def get_attribute(document, name):
    """Return the value of `name` in a SCIM object, matching the name in any letter case."""
    for key, value in document.items():
        if key.lower() == name.lower():
            return value
    return None


class ScimPerson(SCIMUser):
    id_field = "id"
    resource_type = "User"

    @property
    def location(self):
        return f"{scim_base_url(self.obj.organization_id)}/Users/{self.obj.id}"

    @property
    def meta(self):
        return {
            "resourceType": self.resource_type,
            "created": _timestamp(self.obj.created_at),
            "lastModified": _timestamp(self.obj.updated_at),
            "location": self.location,
            "version": etag(self.obj),
        }

    def to_dict(self):
        person = self.obj
        resource = {
            "schemas": [CORE_USER_URN],
            "id": str(person.id),
            "externalId": person.external_id,
            "userName": person.user_name,
            "displayName": person.display_name,
            "active": person.active,
        }

        name = {key: value for key, value in (("givenName", person.first_name), ("familyName", person.last_name)) if value}
        if name:
            resource["name"] = name
        if person.email:
            primary = True if person.email_primary is None else person.email_primary
            resource["emails"] = [{"value": person.email, "type": WORK, "primary": primary}]
        if person.job_title:
            resource["title"] = person.job_title
        if person.city:
            resource["addresses"] = [{"type": WORK, "locality": person.city}]

        enterprise = {
            key: value
            for key, value in (("department", person.department), ("organization", person.company_name))
            if value
        }
        if enterprise:
            resource["schemas"].append(ENTERPRISE_USER_URN)
            resource[ENTERPRISE_USER_URN] = enterprise
        resource = {key: value for key, value in resource.items() if value not in (None, "")}
        resource["meta"] = self.meta
        return resource

    def to_document(self):
        """Return the writable attributes of the resource, for applying PATCH operations."""
        document = self.to_dict()
        for read_only in ("schemas", "id", "meta"):
            document.pop(read_only)
        return document

    def from_dict(self, document, required=REQUIRED_ATTRIBUTES):
        """Set every mapped attribute of the person from a full SCIM User object.

        Attributes missing from `document` become empty, except `active`, which
        keeps its value. Raises InvalidValue naming the first invalid attribute or
        the first of `required` that is missing.
        """
        if not isinstance(document, dict):
            raise InvalidValue("The request body must be a SCIM User object.")
        person = self.obj
        for attribute in required:
            if not _string(document, attribute).strip():
                raise InvalidValue(f"The attribute {attribute!r} is required and must be a non-empty string.")

        # NULL, not "", so that the per-organization unique constraint ignores it.
        person.external_id = _identifier(document, "externalId") or None
        person.user_name = _identifier(document, "userName")
        person.display_name = _string(document, "displayName", max_length=255)
        person.job_title = _string(document, "title", max_length=255)

        name = _object(document, "name")
        person.first_name = _string(name, "givenName", "name.givenName", max_length=255)
        person.last_name = _string(name, "familyName", "name.familyName", max_length=255)

        email = _work_value(document, "emails")
        person.email = _string(email, "value", 'emails[type eq "work"].value', max_length=320)
        primary = get_attribute(email, "primary")
        if primary is None or not person.email:
            person.email_primary = None
        else:
            person.email_primary = _boolean(primary, 'emails[type eq "work"].primary')
        address = _work_value(document, "addresses")
        person.city = _string(address, "locality", 'addresses[type eq "work"].locality', max_length=255)

        enterprise = _object(document, ENTERPRISE_USER_URN)
        person.department = _string(enterprise, "department", f"{ENTERPRISE_USER_URN}:department", max_length=255)
        person.company_name = _string(
            enterprise, "organization", f"{ENTERPRISE_USER_URN}:organization", max_length=255
        )

        active = get_attribute(document, "active")
        if active is not None:
            person.active = _boolean(active, "active")


def _timestamp(moment):
    return moment.isoformat().replace("+00:00", "Z")


def _string(document, name, display=None, *, max_length=None):
    value = get_attribute(document, name)
    display = display or name
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue(f"The attribute {display!r} must be a string.")
    if not is_storable_text(value):
        raise InvalidValue(f"The attribute {display!r} must not contain the NUL character (U+0000) or a lone surrogate.")
    if max_length is not None and len(value) > max_length:
        raise InvalidValue(f"The attribute {display!r} is longer than {max_length} characters.")
    return value


def _identifier(document, name):
    """Return a string attribute that identifies the person, such as userName.

    Surrounding whitespace is rejected rather than trimmed: " ada@example.com " would
    otherwise be a second person beside "ada@example.com" that looks the same.
    """
    value = _string(document, name, max_length=255)
    if value != value.strip():
        raise InvalidValue(f"The attribute {name!r} must not start or end with whitespace, got {value!r}.")
    return value


def _object(document, name):
    value = get_attribute(document, name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidValue(f"The attribute {name!r} must be an object.")
    return value


def _boolean(value, display):
    """Return a SCIM boolean; Entra sends "True" and "False" as strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InvalidValue(f"The attribute {display!r} must be true or false.")


def _work_value(document, name):
    """Return the work value of a multi-valued attribute such as emails, or {}.

    A value typed "work" wins; failing that, a value without a type is taken when it
    is the primary one or the only one.
    """
    values = get_attribute(document, name)
    if values is None:
        return {}
    if not isinstance(values, list) or not all(isinstance(value, dict) for value in values):
        raise InvalidValue(f"The attribute {name!r} must be an array of objects.")
    work = [value for value in values if str(get_attribute(value, "type") or "").lower() == WORK]
    if len(work) > 1:
        raise InvalidValue(f"The attribute {name!r} has more than one value of type \"work\".")
    if work:
        return work[0]
    untyped = [value for value in values if get_attribute(value, "type") is None]
    primary = [value for value in untyped if get_attribute(value, "primary") in (True, "true", "True")]
    if len(primary) == 1:
        return primary[0]
    if len(values) == 1 and untyped:
        return untyped[0]
    return {}
