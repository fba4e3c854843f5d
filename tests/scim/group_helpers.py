"""Group request bodies and membership checks shared by the SCIM Groups tests."""

from accounts.models import Membership
from tests.scim.helpers import send

CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def member_ids(group_id):
    return set(Membership.objects.filter(group_id=group_id).values_list("person_id", flat=True))


def create_group(client, base, display_name, members=(), **attributes):
    """POST a group over SCIM and return its id."""
    body = {
        "schemas": [CORE_GROUP],
        "displayName": display_name,
        "members": [{"value": str(person.id)} for person in members],
        **attributes,
    }
    response = send(client, "post", f"{base}/Groups", body)
    assert response.status_code == 201, response.content
    return response.json()["id"]
