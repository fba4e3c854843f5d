import io
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import Application

from accounts.models import Person
from security.bearer_tokens import find_live_bearer_token, issue_bearer_token
from security.connections import configure
from security.models import ScimBearerToken, ScimConnection, ScimOAuthClient
from tests.factories import make_organization, make_person

REDIRECT_URL = "https://system-admin.okta.com/admin/app/cpc/uipath/oauth/callback"


def security_url(organization, name="security", *args):
    return reverse(f"security:{name}", args=[organization.name, *args])


def configure_with(client, organization, **data):
    return client.post(security_url(organization, "enable_scim"), data)


@pytest.mark.django_db
def test_security_page_three_people(organization, admin_client, member_client, outsider_client):
    assert admin_client.get(security_url(organization)).status_code == 200
    assert member_client.get(security_url(organization)).status_code == 403
    assert outsider_client.get(security_url(organization)).status_code == 404


@pytest.mark.django_db
def test_security_page_offers_enable_scim(organization, admin_client):
    response = admin_client.get(security_url(organization))

    body = response.content.decode()
    assert "Directory integration and single sign-on (SSO)" in body
    assert 'data-status="disabled">Disabled<' in body
    assert f'href="{security_url(organization, "enable_scim")}">Enable SCIM</a>' in body


@pytest.mark.django_db
def test_enable_scim_needs_enterprise_plan(admin_client, administrator):
    organization = administrator.organization
    organization.plan = organization.Plan.PRO
    organization.save()

    page = admin_client.get(security_url(organization))
    wizard = admin_client.get(security_url(organization, "enable_scim"))
    posted = configure_with(admin_client, organization, method="bearer_token")

    assert "needs an Enterprise or Enterprise Trial license" in page.content.decode()
    assert "Enable SCIM</a>" not in page.content.decode()
    assert wizard.status_code == 403
    assert posted.status_code == 403
    assert not ScimBearerToken.objects.filter(organization=organization).exists()


@pytest.mark.django_db
def test_enterprise_trial_may_enable(admin_client, administrator):
    organization = administrator.organization
    organization.plan = organization.Plan.ENTERPRISE_TRIAL
    organization.save()

    assert admin_client.get(security_url(organization, "enable_scim")).status_code == 200


@pytest.mark.django_db
def test_wizard_member_and_outsider(organization, member_client, outsider_client):
    assert member_client.get(security_url(organization, "enable_scim")).status_code == 403
    assert outsider_client.get(security_url(organization, "enable_scim")).status_code == 404


@pytest.mark.django_db
def test_wizard_preselects_authorization_code(organization, admin_client):
    response = admin_client.get(security_url(organization, "enable_scim"))

    body = response.content.decode()
    assert 'value="oauth_authorization_code" id="id_method_0" required checked>' in body
    assert body.count(" checked") == 1
    for label in ("OAuth2 authorization code grant", "Long-lived bearer token", "OAuth2 client credentials grant"):
        assert label in body
    assert "Redirect URL" in body


@pytest.mark.parametrize(
    ("redirect_url", "code"),
    [
        ("", "required"),
        ("http://idp.example.test/callback", "insecure_scheme"),
        ("https://idp.example.test/callback#fragment", "fragment"),
        ("https://user:pass@idp.example.test/callback", "userinfo"),
        ("not a url", "invalid"),
        ("ftp://idp.example.test/callback", "invalid"),
    ],
)
@pytest.mark.django_db
def test_wizard_rejects_redirect_url(organization, admin_client, redirect_url, code):
    response = configure_with(admin_client, organization, method="oauth_authorization_code", redirect_url=redirect_url)

    assert response.status_code == 200
    assert response.context["form"].has_error("redirect_url", code)
    assert not ScimOAuthClient.objects.filter(organization=organization).exists()


@pytest.mark.parametrize("redirect_url", ["http://localhost:8080/callback", "http://127.0.0.1/cb", REDIRECT_URL])
@pytest.mark.django_db
def test_wizard_accepts_redirect_url(organization, admin_client, redirect_url):
    response = configure_with(admin_client, organization, method="oauth_authorization_code", redirect_url=redirect_url)

    assert response.status_code == 200
    assert ScimOAuthClient.objects.get(organization=organization).application.redirect_uris == redirect_url


@pytest.mark.django_db
def test_configure_authorization_code_shows_values_once(organization, administrator, admin_client, settings):
    response = configure_with(admin_client, organization, method="oauth_authorization_code", redirect_url=REDIRECT_URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    credentials = response.context["credentials"]
    application = ScimOAuthClient.objects.get(organization=organization).application
    body = response.content.decode()
    base = settings.PUBLIC_BASE_URL
    assert f'value="{base}/{organization.id}/identity_/api/scim/v2"' in body
    assert f'value="{base}/{organization.id}/identity_/connect/token"' in body
    assert (
        f'value="{base}/{organization.name}/identity_/connect/authorize?scope=PM.Scim&amp;'
        f'acr_values=tenantName:{organization.name}"'
    ) in body
    assert f'value="{application.client_id}"' in body
    assert f'value="{credentials.client_secret}"' in body
    assert "Leave this browser tab open." in body
    assert "I have completed identity provider configuration" in body
    # Only a hash of the secret is stored.
    assert application.client_secret != credentials.client_secret
    assert check_password(credentials.client_secret, application.client_secret)
    assert application.redirect_uris == REDIRECT_URL
    connection = ScimConnection.objects.get(organization=organization)
    assert connection.status == ScimConnection.Status.WAITING
    assert connection.method == ScimConnection.Method.OAUTH_AUTHORIZATION_CODE
    assert connection.redirect_url == REDIRECT_URL
    assert connection.configured_by == administrator


@pytest.mark.django_db
def test_secret_not_shown_after_leaving(organization, admin_client):
    configured = configure_with(admin_client, organization, method="oauth_authorization_code", redirect_url=REDIRECT_URL)
    secret = configured.context["credentials"].client_secret

    for name in ("security", "manage_scim"):
        body = admin_client.get(security_url(organization, name)).content.decode()
        assert secret not in body
        assert ScimOAuthClient.objects.get(organization=organization).application.client_id in body
    assert "Regenerate client secret" in admin_client.get(security_url(organization, "manage_scim")).content.decode()


@pytest.mark.django_db
def test_configure_bearer_token(organization, admin_client):
    response = configure_with(admin_client, organization, method="bearer_token", bearer_token_expiry="90d")

    raw_token = response.context["credentials"].raw_bearer_token
    body = response.content.decode()
    assert f'value="{raw_token}"' in body
    assert "Bearer token value" in body
    assert "Client Secret" not in body
    assert "Access token endpoint URI" not in body
    token = find_live_bearer_token(raw_token)
    assert token.organization == organization
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert not ScimOAuthClient.objects.filter(organization=organization).exists()


@pytest.mark.django_db
def test_configure_client_credentials(organization, admin_client):
    response = configure_with(admin_client, organization, method="oauth_client_credentials")

    body = response.content.decode()
    application = ScimOAuthClient.objects.get(organization=organization).application
    assert application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    assert application.redirect_uris == ""
    assert "Access token endpoint URI" in body
    assert "Authorization endpoint URI" not in body
    assert f'value="{response.context["credentials"].client_secret}"' in body


@pytest.mark.django_db
def test_confirm_enables_scim(organization, administrator, admin_client):
    configure_with(admin_client, organization, method="bearer_token")

    response = admin_client.post(security_url(organization, "confirm_scim"))

    assert response.status_code == 302
    connection = ScimConnection.objects.get(organization=organization)
    assert connection.status == ScimConnection.Status.ENABLED
    assert connection.confirmed_at is not None
    page = admin_client.get(security_url(organization)).content.decode()
    assert 'data-status="enabled">Enabled<' in page
    assert "Manage SCIM" in page
    assert "Remove SCIM" in page


@pytest.mark.django_db
def test_confirm_requires_post(organization, admin_client):
    configure_with(admin_client, organization, method="bearer_token")

    assert admin_client.get(security_url(organization, "confirm_scim")).status_code == 405
    assert ScimConnection.objects.get(organization=organization).status == ScimConnection.Status.WAITING


@pytest.mark.django_db
def test_enabled_page_shows_details(organization, administrator, admin_client):
    configure_with(admin_client, organization, method="bearer_token")
    admin_client.post(security_url(organization, "confirm_scim"))
    make_person(organization, source=Person.Source.DIRECTORY)
    make_person(organization, source=Person.Source.DIRECTORY)

    response = admin_client.get(security_url(organization))

    body = response.content.decode()
    assert '<dd class="scim-method">Long-lived bearer token</dd>' in body
    assert '<dd class="scim-directory-people">2</dd>' in body
    assert administrator.full_name in body
    assert '<dd class="scim-last-called">Never</dd>' in body


@pytest.mark.django_db
def test_enabled_page_after_issue_command(organization, admin_client):
    call_command("issue_scim_token", organization.name, stdout=io.StringIO())

    response = admin_client.get(security_url(organization))

    assert response.status_code == 200
    body = response.content.decode()
    assert "the command line (<code>manage.py issue_scim_token</code>)" in body
    assert f'href="{security_url(organization, "manage_scim")}"' in body


@pytest.mark.django_db
def test_issue_second_bearer_token_keeps_first(organization, administrator, admin_client):
    first = configure_with(admin_client, organization, method="bearer_token").context["credentials"].raw_bearer_token

    response = admin_client.post(security_url(organization, "issue_bearer_token"), {"expiry": "1y"})

    second = response.context["credentials"].raw_bearer_token
    assert find_live_bearer_token(first) is not None
    assert find_live_bearer_token(second) is not None
    third = admin_client.post(security_url(organization, "issue_bearer_token"), {"expiry": "never"})
    assert third.status_code == 302
    assert ScimBearerToken.objects.filter(organization=organization).live().count() == 2


@pytest.mark.django_db
def test_revoke_bearer_token(organization, admin_client):
    raw_token = configure_with(admin_client, organization, method="bearer_token").context["credentials"].raw_bearer_token
    token = find_live_bearer_token(raw_token)

    response = admin_client.post(security_url(organization, "revoke_bearer_token", token.prefix))

    assert response.status_code == 302
    assert find_live_bearer_token(raw_token) is None


@pytest.mark.django_db
def test_revoke_other_organizations_token_is_404(organization, admin_client):
    other = make_organization()
    token, raw_token = issue_bearer_token(other)

    response = admin_client.post(security_url(organization, "revoke_bearer_token", token.prefix))

    assert response.status_code == 404
    assert find_live_bearer_token(raw_token) is not None


@pytest.mark.django_db
def test_manage_flags_token_expiring_soon(organization, administrator, admin_client):
    configure(organization, method=ScimConnection.Method.BEARER_TOKEN, configured_by=administrator)
    issue_bearer_token(organization, expires_at=timezone.now() + timedelta(days=10))

    response = admin_client.get(security_url(organization, "manage_scim"))

    body = response.content.decode()
    assert body.count('class="bearer-token expires-soon"') == 1
    assert body.count('class="bearer-token"') == 1
    assert "expires within 14 days" in body


@pytest.mark.django_db
def test_regenerate_client_secret_shows_new_secret(organization, admin_client):
    old = configure_with(admin_client, organization, method="oauth_authorization_code", redirect_url=REDIRECT_URL)
    old_secret = old.context["credentials"].client_secret

    response = admin_client.post(security_url(organization, "regenerate_client_secret"))

    new_secret = response.context["credentials"].client_secret
    application = ScimOAuthClient.objects.get(organization=organization).application
    assert new_secret != old_secret
    assert check_password(new_secret, application.client_secret)
    assert not check_password(old_secret, application.client_secret)


@pytest.mark.django_db
def test_switch_method_replaces_credentials(organization, admin_client):
    raw_token = configure_with(admin_client, organization, method="bearer_token").context["credentials"].raw_bearer_token
    admin_client.post(security_url(organization, "confirm_scim"))

    configure_with(admin_client, organization, method="oauth_authorization_code", redirect_url=REDIRECT_URL)

    assert find_live_bearer_token(raw_token) is None
    connection = ScimConnection.objects.get(organization=organization)
    assert connection.method == ScimConnection.Method.OAUTH_AUTHORIZATION_CODE
    assert connection.status == ScimConnection.Status.WAITING


@pytest.mark.django_db
def test_remove_scim_revokes_everything_keeps_people(organization, admin_client):
    raw_token = configure_with(admin_client, organization, method="bearer_token").context["credentials"].raw_bearer_token
    admin_client.post(security_url(organization, "issue_bearer_token"), {"expiry": "never"})
    person = make_person(organization, source=Person.Source.DIRECTORY)

    response = admin_client.post(security_url(organization, "remove_scim"))

    assert response.status_code == 302
    assert find_live_bearer_token(raw_token) is None
    assert ScimBearerToken.objects.filter(organization=organization).live().count() == 0
    assert ScimConnection.objects.get(organization=organization).status == ScimConnection.Status.DISABLED
    person.refresh_from_db()
    assert person.active


@pytest.mark.django_db
def test_manage_actions_member_and_outsider(organization, administrator, member_client, outsider_client):
    configure(organization, method=ScimConnection.Method.BEARER_TOKEN, configured_by=administrator)

    for name in ("confirm_scim", "remove_scim", "issue_bearer_token", "regenerate_client_secret"):
        assert member_client.post(security_url(organization, name)).status_code == 403
        assert outsider_client.post(security_url(organization, name)).status_code == 404
    assert ScimConnection.objects.get(organization=organization).status == ScimConnection.Status.WAITING


@pytest.mark.django_db
def test_wizard_form_requires_csrf(organization, administrator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator.user)

    response = client.post(security_url(organization, "enable_scim"), {"method": "bearer_token"})

    assert response.status_code == 403
    assert not ScimBearerToken.objects.filter(organization=organization).exists()


@pytest.mark.django_db
def test_enable_scim_needs_active_saml_sso(admin_client, administrator):
    organization = administrator.organization
    organization.saml_configuration.deactivate(administrator)

    page = admin_client.get(security_url(organization))
    wizard = admin_client.get(security_url(organization, "enable_scim"))

    assert "needs a working SAML single sign-on integration" in page.content.decode()
    assert "Enable SCIM</a>" not in page.content.decode()
    assert wizard.status_code == 403
