"""Every admin page as three people: administrator, member and outsider."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Group
from tests.factories import make_person


def admin_pages(organization):
    person = make_person(organization)
    group = Group.objects.get(organization=organization, builtin_role=Group.BuiltinRole.ADMINISTRATORS)
    return [
        reverse("security:security", args=[organization.name]),
        reverse("accounts:users", args=[organization.name]),
        reverse("accounts:user", args=[organization.name, person.id]),
        reverse("accounts:groups", args=[organization.name]),
        reverse("accounts:group", args=[organization.name, group.id]),
    ]


@pytest.mark.django_db
def test_admin_pages_open_for_administrator(organization, admin_client):
    for url in admin_pages(organization):
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_admin_pages_forbidden_for_member(organization, member_client):
    for url in admin_pages(organization):
        assert member_client.get(url).status_code == 403, url


@pytest.mark.django_db
def test_admin_pages_not_found_for_outsider(organization, outsider_client):
    for url in admin_pages(organization):
        assert outsider_client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_admin_pages_redirect_anonymous_to_sign_in(organization):
    for url in admin_pages(organization):
        response = Client().get(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(f"/{organization.name}/login/?next="), url


@pytest.mark.django_db
def test_admin_pages_forbidden_for_deactivated_administrator(organization, administrator, admin_client):
    administrator.active = False
    administrator.save()

    response = admin_client.get(reverse("accounts:users", args=[organization.name]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_unknown_organization_not_found(admin_client):
    assert admin_client.get("/no-such-org/admin/accounts/users/").status_code == 404


@pytest.mark.django_db
def test_person_of_other_organization_not_found(organization, admin_client):
    from tests.factories import make_organization

    stranger = make_person(make_organization())

    response = admin_client.get(reverse("accounts:user", args=[organization.name, stranger.id]))

    assert response.status_code == 404
