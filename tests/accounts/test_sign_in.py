import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, activate_saml_sso, make_administrator, make_member, make_organization


@pytest.mark.django_db
def test_sign_in_with_user_name_any_case(organization):
    make_administrator(organization, user_name="Ada@Example.com")
    client = Client()

    response = client.post(
        reverse("accounts:login", args=[organization.name]),
        {"username": "ada@example.COM", "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/{organization.name}/"
    assert client.get(reverse("accounts:users", args=[organization.name])).status_code == 200


@pytest.mark.django_db
def test_sign_in_follows_next(organization, administrator):
    users_url = reverse("accounts:users", args=[organization.name])

    response = Client().post(
        reverse("accounts:login", args=[organization.name]) + f"?next={users_url}",
        {"username": administrator.user_name, "password": TEST_PASSWORD, "next": users_url},
    )

    assert response["Location"] == users_url


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_sign_in_ignores_offsite_next(organization, administrator, next_url):
    response = Client().post(
        reverse("accounts:login", args=[organization.name]),
        {"username": administrator.user_name, "password": TEST_PASSWORD, "next": next_url},
    )

    assert response["Location"] == f"/{organization.name}/"


@pytest.mark.django_db
def test_sign_in_rejects_wrong_password(organization, administrator):
    response = Client().post(
        reverse("accounts:login", args=[organization.name]),
        {"username": administrator.user_name, "password": "wrong-password-123"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == [
        "The user name or password is incorrect, or the account is inactive."
    ]


@pytest.mark.django_db
def test_sign_in_rejects_user_of_other_organization(organization):
    stranger = make_administrator(make_organization())

    response = Client().post(
        reverse("accounts:login", args=[organization.name]),
        {"username": stranger.user_name, "password": TEST_PASSWORD},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


@pytest.mark.django_db
def test_sign_in_rejects_deactivated_person(organization, administrator):
    administrator.active = False
    administrator.save()

    response = Client().post(
        reverse("accounts:login", args=[organization.name]),
        {"username": administrator.user_name, "password": TEST_PASSWORD},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


@pytest.mark.django_db
def test_sign_out_returns_to_sign_in(organization, admin_client):
    response = admin_client.post(reverse("accounts:logout", args=[organization.name]))

    assert response.status_code == 302
    assert response["Location"] == f"/{organization.name}/login/"
    assert admin_client.get(reverse("accounts:users", args=[organization.name])).status_code == 302


@pytest.mark.django_db
def test_landing_redirects_to_organization_sign_in(organization):
    response = Client().get("/", {"organization": organization.name})

    assert response.status_code == 302
    assert response["Location"] == f"/{organization.name}/login/"


@pytest.mark.django_db
def test_landing_reports_unknown_organization():
    response = Client().get("/", {"organization": "nobody-here"})

    assert response.status_code == 200
    assert response.context["form"].errors["organization"] == ["No organization has this URL name."]


@pytest.mark.django_db
def test_sign_in_rejects_member_password_while_sso_active(organization):
    member = make_member(organization)
    activate_saml_sso(organization)
    client = Client()

    response = client.post(
        reverse("accounts:login", args=[organization.name]), {"username": member.user_name, "password": TEST_PASSWORD}
    )

    assert response.status_code == 200
    assert "select Continue with SSO" in response.context["form"].non_field_errors()[0]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_in_keeps_administrator_password_while_sso_active(organization, administrator):
    activate_saml_sso(organization)

    response = Client().post(
        reverse("accounts:login", args=[organization.name]),
        {"username": administrator.user_name, "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert AuditEvent.objects.filter(organization=organization, action=AuditEvent.Action.ADMIN_SIGNED_IN).count() == 1


@pytest.mark.django_db
def test_sign_in_accepts_member_password_without_sso(organization):
    member = make_member(organization)

    response = Client().post(
        reverse("accounts:login", args=[organization.name]), {"username": member.user_name, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_in_rejects_superuser_without_person(organization):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("operator", "operator@example.com", TEST_PASSWORD)
    activate_saml_sso(organization)
    client = Client()

    response = client.post(reverse("accounts:login", args=[organization.name]), {"username": "operator", "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "incorrect" in response.context["form"].non_field_errors()[0]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_in_rejects_other_organization_user(organization):
    other_administrator = make_administrator(make_organization())
    client = Client()

    response = client.post(
        reverse("accounts:login", args=[organization.name]),
        {"username": other_administrator.user.username, "password": TEST_PASSWORD},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
