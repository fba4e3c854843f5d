"""The SCIM Group representation of accounts.models.Group (RFC 7643 §4.2).

Only directory groups (Group.Kind.DIRECTORY) are SCIM resources. The built-in
Administrators and Everyone groups and groups created here are invisible over
SCIM, so no SCIM request can read, rename, delete or join them, and a directory
group named "Administrators" is a different group that grants no rights.

| SCIM attribute    | stored as                                        |
| ----------------- | ------------------------------------------------ |
| displayName       | Group.name (required, unique ignoring case)      |
| externalId        | Group.external_id                                |
| members[].value   | Membership.person_id, a User id of the same org  |
| members[].display | the person's displayName, else userName (read,    |
|                   | returned only when `attributes` names it)        |
| members[].$ref    | the person's User location (read)                |

django-scim2 0.23's SCIMGroup reads Django auth groups (`user_set`, integer
ids); ScimGroup subclasses it and replaces the representation both ways.
"""

from django_scim.adapters import SCIMGroup

from accounts.models import Group, Membership
from scim import versions
from scim.adapters import get_attribute, scim_base_url
from scim.errors import InvalidValue, TooMany
from scim.group_filters import GROUP_URN

MAX_NAME_LENGTH = 255

# The maximum number of members in one response, summed over its groups. A response
# that would list more is rejected with tooMany. A client then reads the group with
# excludedAttributes=members and checks single memberships with a members.value filter.
MAX_MEMBERS_PER_RESPONSE = 50_000


def directory_groups(organization):
    """Return the organization's groups that SCIM can see and change."""
    return Group.objects.filter(organization=organization, kind=Group.Kind.DIRECTORY)


def members_by_group(groups):
    """Return {group id: [(person id, display, user name), ...]} for `groups`, in one query.

    Raises TooMany when the groups have more than MAX_MEMBERS_PER_RESPONSE members together.
    """
    rows = list(
        Membership.objects.filter(group__in=[group.id for group in groups])
        .order_by("id")
        .values_list("group_id", "person_id", "person__display_name", "person__user_name")[
            : MAX_MEMBERS_PER_RESPONSE + 1
        ]
    )
    if len(rows) > MAX_MEMBERS_PER_RESPONSE:
        raise TooMany(
            f"The response would list more than {MAX_MEMBERS_PER_RESPONSE} members. Request the group with "
            'excludedAttributes=members and check a membership with filter=members.value eq "<user id>".'
        )
    members = {group.id: [] for group in groups}
    for group_id, person_id, display_name, user_name in rows:
        members[group_id].append((person_id, display_name, user_name))
    return members


class ScimGroup(SCIMGroup):
    id_field = "id"
    resource_type = "Group"

    def __init__(self, group, request=None, *, members=None, member_display=False):
        """`members` is the group's entry of members_by_group(), or None to leave members out.

        `member_display` adds members[].display, which /Schemas publishes with
        returned "request" (RFC 7643 §7): only a request naming it gets it.
        """
        super().__init__(group, request)
        self.member_rows = members
        self.member_display = member_display

    @property
    def location(self):
        return f"{scim_base_url(self.obj.organization_id)}/Groups/{self.obj.id}"

    @property
    def meta(self):
        return {
            "resourceType": self.resource_type,
            "created": _timestamp(self.obj.created_at),
            "lastModified": _timestamp(self.obj.updated_at),
            "location": self.location,
            "version": versions.etag(self.obj),
        }

    def to_dict(self):
        group = self.obj
        resource = {"schemas": [GROUP_URN], "id": str(group.id), "displayName": group.name}
        if group.external_id is not None:
            resource["externalId"] = group.external_id
        if self.member_rows is not None:
            users_url = f"{scim_base_url(group.organization_id)}/Users"
            resource["members"] = []
            for person_id, display_name, user_name in self.member_rows:
                member = {"value": str(person_id), "$ref": f"{users_url}/{person_id}"}
                if self.member_display:
                    member["display"] = display_name or user_name
                resource["members"].append(member)
        resource["meta"] = self.meta
        return resource

    def from_dict(self, document):
        """Set displayName and externalId from a full SCIM Group object; return its member ids.

        The member ids are the `value` strings of `members`, unchecked; an absent
        `members` returns an empty list (RFC 7644 §3.5.1: PUT replaces it).
        """
        if not isinstance(document, dict):
            raise InvalidValue("The request body must be a SCIM Group object.")
        self.obj.name = display_name_value(get_attribute(document, "displayName"))
        self.obj.external_id = external_id_value(get_attribute(document, "externalId"))
        return member_values(get_attribute(document, "members"))


def display_name_value(value):
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue("The attribute 'displayName' is required and must be a non-empty string.")
    if len(value) > MAX_NAME_LENGTH:
        raise InvalidValue(f"The attribute 'displayName' is longer than {MAX_NAME_LENGTH} characters.")
    return value


def external_id_value(value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue("The attribute 'externalId' must be a string.")
    if len(value) > MAX_NAME_LENGTH:
        raise InvalidValue(f"The attribute 'externalId' is longer than {MAX_NAME_LENGTH} characters.")
    return value


def member_values(value):
    """Return the `value` strings of a members array (a single object is taken as one member)."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise InvalidValue("The attribute 'members' must be an array of objects with a 'value'.")
    values = []
    for member in value:
        member_value = get_attribute(member, "value") if isinstance(member, dict) else None
        if not isinstance(member_value, str) or not member_value:
            raise InvalidValue("Each member must be an object with a 'value' that is a user id.")
        values.append(member_value)
    return values


def _timestamp(moment):
    return moment.isoformat().replace("+00:00", "Z")
