import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Organization
from audit.models import AuditEvent
from security.bearer_tokens import (
    TooManyLiveTokens,
    find_live_bearer_token,
    issue_bearer_token,
    load_token_with_connection,
    revoke_bearer_tokens,
    token_digest,
)
from security.connections import configure, disable, enable_with_bearer_token
from security.models import ScimBearerToken, ScimConnection
from security.scim_access import authenticate_scim_request, credential_from_header
from scim.lookups import find_by_unique_attribute, joined_person_read
from tests.factories import make_organization, make_person


def scim_request(authorization=None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    return RequestFactory().get("/scim/Users", **headers)


@pytest.mark.django_db
def test_issue_stores_only_prefix_and_digest(organization):
    token, raw_token = issue_bearer_token(organization)

    stored = ScimBearerToken.objects.get(pk=token.pk)
    assert raw_token.startswith(f"scim_{stored.prefix}_")
    assert stored.digest == token_digest(raw_token)
    assert raw_token.split("_", 2)[2] not in stored.digest


@pytest.mark.django_db
def test_find_live_token_matches_exact_value(organization):
    token, raw_token = issue_bearer_token(organization)

    assert find_live_bearer_token(raw_token) == token
    assert find_live_bearer_token(raw_token[:-1] + ("A" if raw_token[-1] != "A" else "B")) is None
    assert find_live_bearer_token("not-a-token") is None


def field_values(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@pytest.mark.django_db
def test_load_token_matches_orm_row(organization, django_assert_num_queries):
    enable_with_bearer_token(organization)
    token, _ = issue_bearer_token(organization, expires_at=timezone.now() + timedelta(days=30))
    ScimBearerToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    expected = ScimBearerToken.objects.select_related("organization__scim_connection").get(pk=token.pk)

    with django_assert_num_queries(1):
        loaded = load_token_with_connection(token.prefix)
        connection = loaded.organization.scim_connection

    assert field_values(loaded) == field_values(expected)
    assert field_values(loaded.organization) == field_values(expected.organization)
    assert field_values(connection) == field_values(expected.organization.scim_connection)
    assert connection.organization is loaded.organization
    assert not loaded._state.adding
    assert loaded._state.db == "default"


@pytest.mark.django_db
def test_load_token_without_scim_connection(organization, django_assert_num_queries):
    token, _ = issue_bearer_token(organization)
    assert not ScimConnection.objects.filter(organization=organization).exists()

    with django_assert_num_queries(1):
        loaded = load_token_with_connection(token.prefix)
        with pytest.raises(Organization.scim_connection.RelatedObjectDoesNotExist):
            loaded.organization.scim_connection

    assert loaded.organization == organization


@pytest.mark.django_db
def test_load_token_unknown_prefix(organization):
    issue_bearer_token(organization)

    assert load_token_with_connection("unknownPrefx") is None


@pytest.mark.django_db
def test_load_token_with_joined_person_read(organization, django_assert_num_queries):
    token, _ = issue_bearer_token(organization)
    person = make_person(organization, user_name="ada@example.com")
    by_user_name = joined_person_read("user_name", "ADA@example.com")
    by_id = joined_person_read("id", str(person.id))

    with django_assert_num_queries(2):
        assert load_token_with_connection(token.prefix, joined_read=by_user_name) == token
        assert load_token_with_connection(token.prefix, joined_read=by_id) == token

    for joined_read in (by_user_name, by_id):
        assert joined_read.loaded is True
        assert joined_read.instance == person
        assert joined_read.instance.user_name == "ada@example.com"
        assert not joined_read.instance._state.adding


@pytest.mark.django_db
def test_joined_person_read_stays_in_token_organization(organization):
    token, _ = issue_bearer_token(organization)
    other_person = make_person(make_organization(name="other"), user_name="ada@example.com")
    by_user_name = joined_person_read("user_name", "ada@example.com")
    by_id = joined_person_read("id", str(other_person.id))

    for joined_read in (by_user_name, by_id):
        assert load_token_with_connection(token.prefix, joined_read=joined_read) == token
        assert joined_read.loaded is True
        assert joined_read.instance is None


@pytest.mark.django_db
def test_joined_person_read_unloaded_for_unknown_token(organization):
    issue_bearer_token(organization)
    joined_read = joined_person_read("user_name", "ada@example.com")

    assert load_token_with_connection("unknownPrefx", joined_read=joined_read) is None
    assert joined_read.loaded is False


def test_joined_person_read_of_invalid_id():
    assert joined_person_read("id", "not-a-uuid") is None


@pytest.mark.django_db
def test_lookup_ignores_joined_read_of_other_value(organization, django_assert_num_queries):
    token, _ = issue_bearer_token(organization)
    ada = make_person(organization, user_name="ada@example.com")
    grace = make_person(organization, user_name="grace@example.com")
    joined_read = joined_person_read("user_name", "ada@example.com")
    load_token_with_connection(token.prefix, joined_read=joined_read)

    with django_assert_num_queries(0):
        assert find_by_unique_attribute(organization.id, "user_name", "ada@example.com", joined_read=joined_read) == [ada]
    with django_assert_num_queries(1):
        assert find_by_unique_attribute(organization.id, "user_name", "grace@example.com", joined_read=joined_read) == [grace]
    with django_assert_num_queries(1):
        assert find_by_unique_attribute(organization.id, "id", str(ada.id), joined_read=joined_read) == [ada]


@pytest.mark.django_db
def test_revoked_and_expired_tokens_not_live(organization):
    _, revoked_raw = issue_bearer_token(organization)
    revoke_bearer_tokens(organization)
    _, expired_raw = issue_bearer_token(organization, expires_at=timezone.now() - timedelta(seconds=1))

    assert find_live_bearer_token(revoked_raw) is None
    assert find_live_bearer_token(expired_raw) is None


@pytest.mark.django_db
def test_third_live_token_rejected(organization):
    issue_bearer_token(organization)
    issue_bearer_token(organization)

    with pytest.raises(TooManyLiveTokens):
        issue_bearer_token(organization)

    assert ScimBearerToken.objects.filter(organization=organization).count() == 2


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("abc", "abc"),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer", "Bearer"),
        ("Bearer a b", None),
        ("", None),
        (None, None),
    ],
)
def test_credential_from_header(header, expected):
    assert credential_from_header(header) == expected


@pytest.mark.django_db
def test_authenticate_accepts_token_of_same_organization(organization):
    enable_with_bearer_token(organization)
    token, raw_token = issue_bearer_token(organization)

    caller = authenticate_scim_request(scim_request(f"Bearer {raw_token}"), organization.id)

    assert caller.organization_id == organization.id
    assert caller.credential == "bearer_token"
    assert caller.client_label == token.prefix
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert ScimConnection.objects.get(organization=organization).last_called_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(("age", "rewritten"), [(timedelta(seconds=30), False), (timedelta(minutes=2), True)])
def test_authenticate_throttles_last_use(organization, django_assert_num_queries, age, rewritten):
    enable_with_bearer_token(organization)
    token, raw_token = issue_bearer_token(organization)
    earlier = timezone.now() - age
    ScimBearerToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    ScimConnection.objects.filter(organization=organization).update(last_called_at=earlier)
    request = scim_request(f"Bearer {raw_token}")

    # The token with its organization and connection, then one UPDATE each of the
    # token and the connection when their times are stale.
    with django_assert_num_queries(3 if rewritten else 1):
        assert authenticate_scim_request(request, organization.id) is not None

    token.refresh_from_db()
    connection = ScimConnection.objects.get(organization=organization)
    assert (token.last_used_at > earlier) is rewritten
    assert (connection.last_called_at > earlier) is rewritten


@pytest.mark.django_db
def test_authenticate_rejects_token_of_other_organization(organization):
    other = make_organization()
    enable_with_bearer_token(organization)
    enable_with_bearer_token(other)
    _, raw_token = issue_bearer_token(other)

    assert authenticate_scim_request(scim_request(f"Bearer {raw_token}"), organization.id) is None


@pytest.mark.django_db
def test_authenticate_rejects_when_connection_disabled(organization):
    enable_with_bearer_token(organization)
    _, raw_token = issue_bearer_token(organization)

    disable(organization)

    assert authenticate_scim_request(scim_request(f"Bearer {raw_token}"), organization.id) is None
    assert ScimBearerToken.objects.filter(organization=organization, revoked_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_authenticate_ignores_browser_session(organization, administrator):
    enable_with_bearer_token(organization)
    request = scim_request()
    request.user = administrator.user

    assert authenticate_scim_request(request, organization.id) is None


@pytest.mark.django_db
def test_issue_command_prints_token_once_and_enables(organization):
    output = io.StringIO()

    call_command("issue_scim_token", organization.name, "--expires-in-days=90", stdout=output)

    token = ScimBearerToken.objects.get(organization=organization)
    raw_token = next(line.split(": ", 1)[1] for line in output.getvalue().splitlines() if line.startswith("Bearer token"))
    assert find_live_bearer_token(raw_token) == token
    assert f"/{organization.id}/identity_/api/scim/v2" in output.getvalue()
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert ScimConnection.objects.get(organization=organization).status == ScimConnection.Status.ENABLED
    assert list(AuditEvent.objects.filter(organization=organization).order_by("id").values_list("action", "target")) == [
        (AuditEvent.Action.SCIM_ENABLED, ""),
        (AuditEvent.Action.CREDENTIAL_ISSUED, f"bearer token {token.prefix}"),
    ]


@pytest.mark.django_db
def test_issue_command_rejects_oauth_method(organization, administrator):
    configure(organization, method=ScimConnection.Method.OAUTH_AUTHORIZATION_CODE, configured_by=administrator,
              redirect_url="https://example.okta.com/oauth/callback")

    with pytest.raises(CommandError, match="uses the OAuth2 authorization code grant method; no token issued"):
        call_command("issue_scim_token", organization.name)

    assert not ScimBearerToken.objects.filter(organization=organization).exists()


@pytest.mark.django_db
def test_issue_command_unknown_organization():
    with pytest.raises(CommandError, match="No organization has the URL name 'ghost'"):
        call_command("issue_scim_token", "ghost")


@pytest.mark.django_db
def test_revoke_command_by_prefix(organization):
    first, _ = issue_bearer_token(organization)
    second, _ = issue_bearer_token(organization)

    call_command("revoke_scim_tokens", organization.name, f"--prefix={first.prefix}", stdout=io.StringIO())

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None


@pytest.mark.django_db
def test_revoke_command_unknown_prefix(organization):
    with pytest.raises(CommandError, match="No live token with prefix 'nope'"):
        call_command("revoke_scim_tokens", organization.name, "--prefix=nope")
