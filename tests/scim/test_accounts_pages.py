"""People provisioned over SCIM appear on Admin > Accounts and Groups."""

from accounts.models import Person
from tests.scim.helpers import okta_user, patch_body, send


def test_provisioned_person_on_users_tab_and_detail(scim_client, base, organization, admin_client):
    created = send(scim_client, "post", base + "/Users", okta_user("provisioned@example.com")).json()
    send(scim_client, "patch", f"{base}/Users/{created['id']}", patch_body({"op": "replace", "value": {"active": False}}))

    listing = admin_client.get(f"/{organization.name}/admin/accounts/users/", {"source": "directory"})
    detail = admin_client.get(f"/{organization.name}/admin/accounts/users/{created['id']}/")

    assert listing.status_code == 200
    assert [person.user_name for person in listing.context["page"]] == ["provisioned@example.com"]
    assert b"Inactive" in listing.content
    assert detail.status_code == 200
    assert detail.context["shown"].source == Person.Source.DIRECTORY
    assert b"Directory" in detail.content
    assert b"Inactive" in detail.content


def test_provisioned_person_counts_in_everyone(scim_client, base, organization, admin_client):
    send(scim_client, "post", base + "/Users", okta_user("provisioned@example.com"))

    response = admin_client.get(f"/{organization.name}/admin/accounts/groups/")

    counts = {group.name: group.member_count for group in response.context["groups"]}
    assert counts["Everyone"] == Person.objects.filter(organization=organization).count()
    assert counts["Everyone"] == 2
