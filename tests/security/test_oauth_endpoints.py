from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from security.connections import confirm, disable
from security.models import ScimOAuthClient
from security.oauth_clients import regenerate_client_secret
from security.scim_access import authenticate_scim_request
from tests.factories import make_administrator, make_member, make_organization, make_person
from tests.security.oauth_helpers import (
    REDIRECT_URL,
    authorize_path,
    basic_auth,
    configure_authorization_code,
    configure_client_credentials,
    pkce_pair,
    query_of,
)

FORM = "application/x-www-form-urlencoded"


def token_path(organization):
    return reverse("security:oauth_token", args=[organization.id])


def consent(client, organization, client_id, **extra):
    """Allow the authorization request as the signed-in client; return the redirect's query."""
    path = authorize_path(organization, client_id, **extra)
    page = client.get(path)
    assert page.status_code == 200, page.content
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    response = client.post(path, {**data, "allow": "true"})
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URL + "?")
    return query_of(response["Location"])


def exchange_code(organization, client_id, client_secret, code, **extra):
    # Token requests come from the identity provider's server, with no CSRF cookie.
    return Client(enforce_csrf_checks=True).post(
        token_path(organization),
        urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URL, **extra}),
        content_type=FORM,
        HTTP_AUTHORIZATION=basic_auth(client_id, client_secret),
    )


def refresh(organization, client_id, client_secret, refresh_token):
    return Client(enforce_csrf_checks=True).post(
        token_path(organization),
        urlencode({"grant_type": "refresh_token", "refresh_token": refresh_token}),
        content_type=FORM,
        HTTP_AUTHORIZATION=basic_auth(client_id, client_secret),
    )


def scim_caller(organization, access_token, path="/scim/Users"):
    request = RequestFactory().get(path, HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return authenticate_scim_request(request, organization.id)


@pytest.fixture
def oauth_client(organization, administrator):
    return configure_authorization_code(organization, administrator)


@pytest.fixture
def tokens(organization, admin_client, oauth_client):
    client_id, client_secret = oauth_client
    code = consent(admin_client, organization, client_id)["code"]
    response = exchange_code(organization, client_id, client_secret, code)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_authorize_anonymous_goes_to_sign_in(organization, oauth_client):
    path = authorize_path(organization, oauth_client[0])

    response = Client().get(path)

    assert response.status_code == 302
    login = urlsplit(response["Location"])
    assert login.path == f"/{organization.name}/login/"
    assert query_of(response["Location"])["next"] == path


@pytest.mark.django_db
def test_authorize_member_and_outsider_go_to_sign_in(organization, oauth_client, member_client, outsider_client):
    path = authorize_path(organization, oauth_client[0])

    for client in (member_client, outsider_client):
        response = client.get(path)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == f"/{organization.name}/login/"


@pytest.mark.django_db
def test_consent_page_names_client_and_organization(organization, admin_client, oauth_client):
    response = admin_client.get(authorize_path(organization, oauth_client[0]))

    assert response.status_code == 200
    body = response.content.decode()
    assert f"SCIM User Sync for {organization.display_name}" in body
    assert organization.display_name in body
    assert 'name="allow"' in body
    assert 'name="deny"' in body
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_code_exchange_gives_scim_access(organization, tokens, oauth_client):
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["scope"] == "PM.Scim"
    assert tokens["refresh_token"]

    caller = scim_caller(organization, tokens["access_token"])

    assert caller.credential == "oauth_access_token"
    assert caller.client_label == oauth_client[0]
    assert caller.organization_id == organization.id


@pytest.mark.django_db
def test_tokens_stored_only_as_checksums(tokens):
    assert AccessToken.objects.get().token == ""
    assert RefreshToken.objects.get().token == ""


@pytest.mark.django_db
def test_tokens_owned_by_service_user_not_administrator(organization, administrator, tokens):
    access_token = AccessToken.objects.get()
    client = ScimOAuthClient.objects.get(organization=organization)

    assert access_token.user == client.token_owner
    assert access_token.user != administrator.user
    assert client.authorized_by_user_name == administrator.user_name
    assert client.authorized_at is not None


@pytest.mark.django_db
def test_administrator_leaving_keeps_provisioning(organization, administrator, tokens, oauth_client):
    administrator.user.delete()
    administrator.delete()

    assert scim_caller(organization, tokens["access_token"]) is not None
    assert refresh(organization, *oauth_client, tokens["refresh_token"]).status_code == 200


@pytest.mark.django_db
def test_client_body_authentication(organization, admin_client, oauth_client):
    client_id, client_secret = oauth_client
    code = consent(admin_client, organization, client_id)["code"]

    response = Client().post(
        token_path(organization),
        urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URL,
                "client_id": client_id,
                "client_secret": client_secret,
            }
        ),
        content_type=FORM,
    )

    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_reused_code_is_invalid_grant(organization, admin_client, oauth_client):
    code = consent(admin_client, organization, oauth_client[0])["code"]
    assert exchange_code(organization, *oauth_client, code).status_code == 200

    response = exchange_code(organization, *oauth_client, code)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_expired_code_is_invalid_grant(organization, admin_client, oauth_client):
    code = consent(admin_client, organization, oauth_client[0])["code"]
    Grant.objects.update(expires=timezone.now() - timedelta(seconds=1))

    response = exchange_code(organization, *oauth_client, code)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_wrong_client_secret_is_invalid_client(organization, admin_client, oauth_client):
    code = consent(admin_client, organization, oauth_client[0])["code"]

    response = exchange_code(organization, oauth_client[0], "wrong-secret", code)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.django_db
def test_other_organization_token_endpoint_is_invalid_client(organization, admin_client, oauth_client):
    other = make_organization()
    configure_authorization_code(other, make_administrator(other))
    code = consent(admin_client, organization, oauth_client[0])["code"]

    response = exchange_code(other, *oauth_client, code)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.django_db
def test_other_organization_authorize_endpoint_rejects_client(organization, oauth_client):
    other = make_organization()
    other_admin = make_administrator(other)
    configure_authorization_code(other, other_admin)
    client = Client()
    client.force_login(other_admin.user)

    response = client.get(authorize_path(other, oauth_client[0], acr_values=f"tenantName:{other.name}"))

    # An unknown client_id must not redirect (RFC 6749 §4.1.2.1).
    assert response.status_code == 400
    assert response.context["error"].error == "invalid_request"
    assert response.context["error"].description == "Invalid client_id parameter value."
    assert "Location" not in response


@pytest.mark.django_db
def test_token_of_other_organization_rejected_by_scim(organization, tokens):
    other = make_organization()
    configure_authorization_code(other, make_administrator(other))

    assert scim_caller(other, tokens["access_token"]) is None


@pytest.mark.django_db
def test_wrong_acr_values_redirects_invalid_request(organization, admin_client, oauth_client):
    path = authorize_path(organization, oauth_client[0]).replace(
        f"acr_values=tenantName:{organization.name}", "acr_values=tenantName:someone-else"
    )

    response = admin_client.get(path)

    assert response.status_code == 302
    query = query_of(response["Location"])
    assert response["Location"].startswith(REDIRECT_URL + "?")
    assert query["error"] == "invalid_request"
    assert query["state"] == "state-1"
    assert Grant.objects.count() == 0


@pytest.mark.django_db
def test_missing_acr_values_redirects_invalid_request(organization, admin_client, oauth_client):
    path = authorize_path(organization, oauth_client[0]).replace(f"&acr_values=tenantName:{organization.name}", "")

    response = admin_client.get(path)

    assert query_of(response["Location"])["error"] == "invalid_request"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        REDIRECT_URL + "/",
        REDIRECT_URL + "?x=1",
        REDIRECT_URL.upper(),
        "https://attacker.example.test/oauth/callback",
        REDIRECT_URL.replace("https", "http"),
    ],
)
@pytest.mark.django_db
def test_bad_redirect_uri_is_not_followed(organization, admin_client, oauth_client, redirect_uri):
    response = admin_client.get(authorize_path(organization, oauth_client[0], redirect_uri=redirect_uri))

    assert response.status_code == 400
    assert response.context["error"].error == "invalid_request"
    assert "Location" not in response


@pytest.mark.django_db
def test_unknown_scope_redirects_invalid_scope(organization, admin_client, oauth_client):
    path = authorize_path(organization, oauth_client[0]).replace("scope=PM.Scim", "scope=PM.Scim+admin")

    response = admin_client.get(path)

    assert query_of(response["Location"])["error"] == "invalid_scope"


@pytest.mark.django_db
def test_scope_without_scim_redirects_invalid_scope(organization, admin_client, oauth_client):
    path = authorize_path(organization, oauth_client[0]).replace("scope=PM.Scim", "scope=offline_access")

    response = admin_client.get(path)

    assert query_of(response["Location"])["error"] == "invalid_scope"


@pytest.mark.django_db
def test_offline_access_scope_accepted(organization, admin_client, oauth_client):
    path = authorize_path(organization, oauth_client[0]).replace("scope=PM.Scim", "scope=PM.Scim+offline_access")

    response = admin_client.get(path)

    assert response.status_code == 200
    assert response.context["form"].initial["scope"] == "PM.Scim offline_access"


@pytest.mark.django_db
def test_deny_redirects_access_denied(organization, admin_client, oauth_client):
    path = authorize_path(organization, oauth_client[0])
    form = admin_client.get(path).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    response = admin_client.post(path, data)

    query = query_of(response["Location"])
    assert query["error"] == "access_denied"
    assert query["state"] == "state-1"
    assert Grant.objects.count() == 0


@pytest.mark.django_db
def test_pkce_s256_verified(organization, admin_client, oauth_client):
    verifier, challenge = pkce_pair()
    code = consent(
        admin_client, organization, oauth_client[0], code_challenge=challenge, code_challenge_method="S256"
    )["code"]

    wrong = exchange_code(organization, *oauth_client, code, code_verifier=verifier[:-1] + "x")
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_pkce_s256_correct_verifier(organization, admin_client, oauth_client):
    verifier, challenge = pkce_pair()
    code = consent(
        admin_client, organization, oauth_client[0], code_challenge=challenge, code_challenge_method="S256"
    )["code"]

    assert exchange_code(organization, *oauth_client, code, code_verifier=verifier).status_code == 200


@pytest.mark.django_db
def test_pkce_plain_rejected(organization, admin_client, oauth_client):
    path = authorize_path(organization, oauth_client[0], code_challenge="x" * 43, code_challenge_method="plain")
    page = admin_client.get(path)
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    response = admin_client.post(path, {**data, "allow": "true"})

    assert query_of(response["Location"])["error"] == "invalid_request"
    assert Grant.objects.count() == 0


@pytest.mark.django_db
def test_refresh_rotates_tokens(organization, tokens, oauth_client):
    response = refresh(organization, *oauth_client, tokens["refresh_token"])

    assert response.status_code == 200
    rotated = response.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert scim_caller(organization, rotated["access_token"]) is not None
    assert scim_caller(organization, tokens["access_token"]) is None


@pytest.mark.django_db
def test_refresh_replay_in_grace_period_gets_new_pair(organization, tokens, oauth_client):
    lost = refresh(organization, *oauth_client, tokens["refresh_token"]).json()

    replay = refresh(organization, *oauth_client, tokens["refresh_token"])

    assert replay.status_code == 200
    fresh = replay.json()
    assert fresh["access_token"] and fresh["refresh_token"]
    assert fresh["access_token"] != lost["access_token"]
    assert scim_caller(organization, fresh["access_token"]) is not None
    assert scim_caller(organization, lost["access_token"]) is None
    assert refresh(organization, *oauth_client, fresh["refresh_token"]).status_code == 200


@pytest.mark.django_db
def test_lost_refresh_token_used_later_revokes_family(organization, tokens, oauth_client):
    lost = refresh(organization, *oauth_client, tokens["refresh_token"]).json()
    fresh = refresh(organization, *oauth_client, tokens["refresh_token"]).json()

    response = refresh(organization, *oauth_client, lost["refresh_token"])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert scim_caller(organization, fresh["access_token"]) is None


@pytest.mark.django_db
def test_refresh_replay_after_grace_period_is_invalid_grant(organization, tokens, oauth_client):
    rotated = refresh(organization, *oauth_client, tokens["refresh_token"]).json()
    RefreshToken.objects.filter(revoked__isnull=False).update(revoked=timezone.now() - timedelta(seconds=121))

    response = refresh(organization, *oauth_client, tokens["refresh_token"])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    # Reuse protection revokes the whole family, the rotated pair included.
    assert scim_caller(organization, rotated["access_token"]) is None


@pytest.mark.django_db
def test_expired_access_token_rejected(organization, tokens):
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))

    assert scim_caller(organization, tokens["access_token"]) is None


@pytest.mark.django_db
def test_access_token_without_scim_scope_rejected(organization, tokens):
    AccessToken.objects.update(scope="offline_access")

    assert scim_caller(organization, tokens["access_token"]) is None


@pytest.mark.django_db
def test_access_token_in_query_string_rejected(organization, tokens):
    request = RequestFactory().get(f"/scim/Users?access_token={tokens['access_token']}")
    request_with_header = RequestFactory().get(
        f"/scim/Users?access_token={tokens['access_token']}", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"
    )

    assert authenticate_scim_request(request, organization.id) is None
    assert authenticate_scim_request(request_with_header, organization.id) is None


@pytest.mark.django_db
def test_token_endpoint_rejects_query_string(organization, admin_client, oauth_client):
    code = consent(admin_client, organization, oauth_client[0])["code"]

    response = Client().post(
        token_path(organization) + f"?code={code}",
        urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URL}),
        content_type=FORM,
        HTTP_AUTHORIZATION=basic_auth(*oauth_client),
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "invalid_request", "error_description": "URL query parameters are not allowed"}


@pytest.mark.django_db
def test_regenerated_secret_revokes_tokens(organization, tokens, oauth_client):
    new_secret = regenerate_client_secret(organization)

    assert scim_caller(organization, tokens["access_token"]) is None
    assert refresh(organization, oauth_client[0], new_secret, tokens["refresh_token"]).status_code == 400
    assert refresh(organization, *oauth_client, tokens["refresh_token"]).status_code == 401


@pytest.mark.django_db
def test_remove_scim_revokes_oauth_tokens(organization, tokens, oauth_client):
    disable(organization)

    assert scim_caller(organization, tokens["access_token"]) is None
    assert refresh(organization, *oauth_client, tokens["refresh_token"]).json()["error"] == "invalid_client"
    assert AccessToken.objects.count() == 0
    assert RefreshToken.objects.count() == 0


@pytest.mark.django_db
def test_scim_works_while_waiting_and_after_confirm(organization, tokens):
    assert scim_caller(organization, tokens["access_token"]) is not None
    confirm(organization)
    assert scim_caller(organization, tokens["access_token"]) is not None


@pytest.mark.django_db
def test_client_credentials_grant(organization, administrator):
    client_id, client_secret = configure_client_credentials(organization, administrator)

    response = Client().post(
        token_path(organization),
        urlencode({"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}),
        content_type=FORM,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == "PM.Scim"
    assert "refresh_token" not in body
    assert scim_caller(organization, body["access_token"]).client_label == client_id


@pytest.mark.django_db
def test_client_credentials_client_cannot_use_code_grant(organization, administrator, admin_client):
    client_id, _ = configure_client_credentials(organization, administrator)

    response = admin_client.get(authorize_path(organization, client_id))

    # It has no redirect URL to send an error to (RFC 6749 §4.1.2.1).
    assert response.status_code == 400
    assert response.context["error"].error == "invalid_request"
    assert "Location" not in response


@pytest.mark.django_db
def test_loopback_http_redirect_allowed(organization, administrator, admin_client):
    callback = "http://127.0.0.1:8765/callback"
    client_id, _ = configure_authorization_code(organization, administrator, redirect_url=callback)
    path = authorize_path(organization, client_id, redirect_uri=callback)
    form = admin_client.get(path).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    response = admin_client.post(path, {**data, "allow": "true"})

    assert response.status_code == 302
    assert response["Location"].startswith(callback + "?code=")


@pytest.mark.django_db
def test_member_cannot_consent(organization, oauth_client):
    member = make_member(organization)
    client = Client()
    client.force_login(member.user)

    response = client.get(authorize_path(organization, oauth_client[0]))

    assert response.status_code == 302
    assert Grant.objects.count() == 0


@pytest.mark.django_db
def test_scim_access_query_count(organization, tokens, django_assert_num_queries):
    scim_caller(organization, tokens["access_token"])  # records last_called_at once
    request = RequestFactory().get("/scim/Users", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    # 1. the access token with its application and user, 2. the organization of that
    # application with its SCIM connection. last_called_at is under a minute old, so
    # nothing is written.
    with django_assert_num_queries(2):
        caller = authenticate_scim_request(request, organization.id)

    assert caller.credential == "oauth_access_token"


@pytest.mark.django_db
def test_scim_lookup_and_patch_with_access_token(organization, tokens):
    """An OAuth access token's check reads no person, so the views read it themselves."""
    person = make_person(organization, user_name="ada@example.com")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    base = f"/{organization.id}/identity_/api/scim/v2/Users"

    found = client.get(base, {"filter": 'userName eq "ADA@example.com"'})
    patched = client.patch(
        f"{base}/{person.id}",
        {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": False}}]},
        content_type="application/scim+json",
    )

    assert found.status_code == 200
    assert [resource["id"] for resource in found.json()["Resources"]] == [str(person.id)]
    assert patched.status_code == 200
    assert patched.json()["active"] is False
    person.refresh_from_db()
    assert person.active is False
