"""Concurrent group writes on PostgreSQL: the unique constraint and the group lock decide."""

from accounts.models import Group
from tests.factories import make_group, make_person
from tests.scim.conftest import run_together, scim_base_path
from tests.scim.group_helpers import member_ids
from tests.scim.helpers import patch_body


def test_concurrent_creates_of_one_name(organization_with_token):
    organization, raw_token = organization_with_token
    base = scim_base_path(organization)

    statuses = run_together(
        raw_token, [("post", f"{base}/Groups", {"displayName": "Sales"}), ("post", f"{base}/Groups", {"displayName": "SALES"})]
    )

    assert statuses == [201, 409]
    assert Group.objects.filter(organization=organization, kind=Group.Kind.DIRECTORY).count() == 1


def test_concurrent_member_adds_keep_both(organization_with_token):
    organization, raw_token = organization_with_token
    base = scim_base_path(organization)
    group = make_group(organization, name="Team")
    ana, ben = make_person(organization), make_person(organization)
    path = f"{base}/Groups/{group.id}"

    statuses = run_together(
        raw_token,
        [
            ("patch", path, patch_body({"op": "add", "path": "members", "value": [{"value": str(ana.id)}]})),
            ("patch", path, patch_body({"op": "add", "path": "members", "value": [{"value": str(ben.id)}]})),
        ],
    )

    assert statuses == [204, 204]
    assert member_ids(group.id) == {ana.id, ben.id}
    assert Group.objects.get(id=group.id).version == 3
