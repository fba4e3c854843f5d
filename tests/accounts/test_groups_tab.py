import pytest
from django.urls import reverse

from accounts.models import Group
from tests.factories import make_group, make_person


@pytest.mark.django_db
def test_groups_tab_counts_members(organization, administrator, admin_client):
    first, second = make_person(organization), make_person(organization)
    make_group(organization, name="Engineering", members=[first, second])

    response = admin_client.get(reverse("accounts:groups", args=[organization.name]))

    counts = {group.name: group.member_count for group in response.context["groups"]}
    assert counts == {"Administrators": 1, "Everyone": 3, "Engineering": 2}


@pytest.mark.django_db
def test_group_page_lists_members(organization, admin_client):
    member = make_person(organization, user_name="gil@example.com")
    make_person(organization, user_name="not-member@example.com")
    group = make_group(organization, members=[member])

    response = admin_client.get(reverse("accounts:group", args=[organization.name, group.id]))

    assert [person.user_name for person in response.context["page"]] == ["gil@example.com"]


@pytest.mark.django_db
def test_everyone_page_lists_every_person(organization, administrator, admin_client):
    make_person(organization, user_name="hal@example.com")
    everyone = Group.objects.get(organization=organization, builtin_role=Group.BuiltinRole.EVERYONE)

    response = admin_client.get(reverse("accounts:group", args=[organization.name, everyone.id]))

    assert {person.user_name for person in response.context["page"]} == {"hal@example.com", administrator.user_name}


@pytest.mark.django_db
def test_security_page_shows_scim_disabled(organization, admin_client):
    response = admin_client.get(reverse("security:security", args=[organization.name]))

    content = response.content.decode()
    assert "Directory integration and single sign-on (SSO)" in content
    assert "Disabled" in content
