"""Groups pushed over SCIM appear on Accounts and Groups."""

import pytest
from django.urls import reverse

from tests.factories import make_person
from tests.scim.group_helpers import create_group
from tests.scim.helpers import patch_body, send

pytestmark = pytest.mark.django_db


def test_pushed_group_appears_on_pages(organization, scim_client, base, admin_client):
    ana = make_person(organization, user_name="ana@example.com")
    ben = make_person(organization, user_name="ben@example.com", active=False)
    group_id = create_group(scim_client, base, "Finance", members=[ana])
    send(scim_client, "patch", f"{base}/Groups/{group_id}", patch_body({"op": "Add", "path": "members", "value": [{"value": str(ben.id)}]}))

    groups_tab = admin_client.get(reverse("accounts:groups", args=[organization.name]))
    group_page = admin_client.get(reverse("accounts:group", args=[organization.name, group_id]))
    person_page = admin_client.get(reverse("accounts:user", args=[organization.name, ben.id]))

    finance = next(group for group in groups_tab.context["groups"] if group.name == "Finance")
    assert finance.get_kind_display() == "Directory"
    assert finance.member_count == 2
    assert [(member.user_name, member.active) for member in group_page.context["page"]] == [
        ("ana@example.com", True),
        ("ben@example.com", False),
    ]
    assert [group.name for group in person_page.context["groups"]] == ["Everyone", "Finance"]
