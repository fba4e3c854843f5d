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


@pytest.mark.django_db
def test_groups_tab_shows_source_count_and_last_change(organization, administrator, admin_client):
    member = make_person(organization)
    directory_group = make_group(organization, name="Finance", members=[member])
    make_group(organization, name="Local team", kind=Group.Kind.LOCAL)

    response = admin_client.get(reverse("accounts:groups", args=[organization.name]))

    rows = [(group.name, group.get_kind_display(), group.member_count) for group in response.context["groups"]]
    assert rows == [
        ("Administrators", "Built-in", 1),
        ("Everyone", "Built-in", 2),
        ("Finance", "Directory", 1),
        ("Local team", "Local", 0),
    ]
    content = response.content.decode()
    assert "<th>Source</th><th>Members</th><th>Last change</th>" in content
    assert f'<time datetime="{directory_group.updated_at.isoformat()}">' in content


@pytest.mark.django_db
@pytest.mark.parametrize(("group_count", "member_count"), [(1, 1), (20, 30)])
def test_groups_tab_query_count_fixed(organization, admin_client, django_assert_num_queries, group_count, member_count):
    people = [make_person(organization) for _ in range(member_count)]
    for number in range(group_count):
        make_group(organization, name=f"Directory {number}", members=people)

    # Session, auth user, organization, signed-in person, administrator check,
    # groups with their member counts, people for Everyone.
    with django_assert_num_queries(7):
        response = admin_client.get(reverse("accounts:groups", args=[organization.name]))

    assert response.status_code == 200


@pytest.mark.django_db
def test_directory_group_page_lists_members_with_status(organization, admin_client):
    active = make_person(organization, user_name="ana@example.com")
    inactive = make_person(organization, user_name="ben@example.com", active=False)
    group = make_group(organization, name="Finance", members=[active, inactive])
    group.external_id = "ext-finance"
    group.save()

    response = admin_client.get(reverse("accounts:group", args=[organization.name, group.id]))

    assert [(person.user_name, person.active) for person in response.context["page"]] == [
        ("ana@example.com", True),
        ("ben@example.com", False),
    ]
    content = response.content.decode()
    assert "<dt>Source</dt><dd>Directory</dd>" in content
    assert "<dt>External id</dt><dd>ext-finance</dd>" in content
    assert '<span class="status inactive">Inactive</span>' in content
    assert "synced from the identity provider through SCIM" in content


@pytest.mark.django_db
@pytest.mark.parametrize("member_count", [1, 60])
def test_group_page_query_count_fixed(organization, admin_client, django_assert_num_queries, member_count):
    group = make_group(organization, members=[make_person(organization) for _ in range(member_count)])

    # Session, auth user, organization, signed-in person, administrator check,
    # group, member count, page of members.
    with django_assert_num_queries(8):
        response = admin_client.get(reverse("accounts:group", args=[organization.name, group.id]))

    assert response.status_code == 200


@pytest.mark.django_db
def test_person_page_lists_groups(organization, admin_client):
    person = make_person(organization)
    make_group(organization, name="Finance", members=[person])
    make_group(organization, name="Administrators", members=[person])
    make_group(organization, name="Not joined")

    response = admin_client.get(reverse("accounts:user", args=[organization.name, person.id]))

    assert [(group.name, group.get_kind_display()) for group in response.context["groups"]] == [
        ("Everyone", "Built-in"),
        ("Administrators", "Directory"),
        ("Finance", "Directory"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("group_count", [1, 25])
def test_person_page_query_count_fixed(organization, admin_client, django_assert_num_queries, group_count):
    person = make_person(organization)
    for number in range(group_count):
        make_group(organization, name=f"Directory {number}", members=[person])

    # Session, auth user, organization, signed-in person, administrator check,
    # the shown person, their groups, their provisioning history.
    with django_assert_num_queries(8):
        response = admin_client.get(reverse("accounts:user", args=[organization.name, person.id]))

    assert response.status_code == 200
