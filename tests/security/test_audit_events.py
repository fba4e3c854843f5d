"""Each security-relevant change on the Security page writes one audit event, without secrets."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from security.models import ScimBearerToken, ScimOAuthClient
from tests.security.oauth_helpers import REDIRECT_URL, authorize_path, query_of


def url(organization, name, *args):
    return reverse(f"security:{name}", args=[organization.name, *args])


def audit_rows(organization):
    """Return (action, target, changes) of the organization's events, sign-ins left out."""
    rows = AuditEvent.objects.filter(organization=organization).exclude(action=AuditEvent.Action.ADMIN_SIGNED_IN)
    return [(row.action, row.target, row.changes) for row in rows.order_by("id")]


@pytest.mark.django_db
def test_scim_lifecycle_audited(organization, administrator, admin_client):
    configured = admin_client.post(
        url(organization, "enable_scim"), {"method": "oauth_authorization_code", "redirect_url": REDIRECT_URL}
    )
    client_id = ScimOAuthClient.objects.get(organization=organization).application.client_id
    admin_client.post(url(organization, "confirm_scim"))
    regenerated = admin_client.post(url(organization, "regenerate_client_secret"))
    admin_client.post(url(organization, "enable_scim"), {"method": "bearer_token", "bearer_token_expiry": "never"})
    first = ScimBearerToken.objects.get(organization=organization)
    admin_client.post(url(organization, "issue_bearer_token"), {"expiry": "90d"})
    admin_client.post(url(organization, "revoke_bearer_token", first.prefix))
    admin_client.post(url(organization, "remove_scim"))

    rows = audit_rows(organization)
    second = ScimBearerToken.objects.exclude(pk=first.pk).get(organization=organization)
    assert [row[0] for row in rows] == [
        AuditEvent.Action.SCIM_ENABLED,
        AuditEvent.Action.CREDENTIAL_ISSUED,
        AuditEvent.Action.SCIM_CONFIRMED,
        AuditEvent.Action.CREDENTIAL_REGENERATED,
        AuditEvent.Action.SCIM_METHOD_CHANGED,
        AuditEvent.Action.CREDENTIAL_REVOKED,
        AuditEvent.Action.CREDENTIAL_ISSUED,
        AuditEvent.Action.CREDENTIAL_ISSUED,
        AuditEvent.Action.CREDENTIAL_REVOKED,
        AuditEvent.Action.SCIM_REMOVED,
    ]
    assert rows[0][2] == {"method": "oauth_authorization_code"}
    assert rows[1][1] == f"OAuth client {client_id}"
    assert rows[4][2] == {"from": "oauth_authorization_code", "to": "bearer_token"}
    assert rows[5][1] == f"OAuth client {client_id}"
    assert rows[6][1] == f"bearer token {first.prefix}"
    assert rows[7][1] == f"bearer token {second.prefix}"
    assert rows[8][1] == f"bearer token {first.prefix}"
    assert rows[9][2] == {"bearer_tokens_revoked": 1, "oauth_client_deleted": True}
    for event in AuditEvent.objects.filter(organization=organization):
        assert event.actor == administrator
        stored = str(event.target) + str(event.changes)
        for response in (configured, regenerated):
            assert response.context["credentials"].client_secret not in stored


@pytest.mark.django_db
def test_oauth_consent_audited(organization, administrator, admin_client):
    admin_client.post(url(organization, "enable_scim"), {"method": "oauth_authorization_code", "redirect_url": REDIRECT_URL})
    client_id = ScimOAuthClient.objects.get(organization=organization).application.client_id
    path = authorize_path(organization, client_id)
    form = admin_client.get(path).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    response = admin_client.post(path, {**data, "allow": "true"})

    assert "code" in query_of(response["Location"])
    consent = AuditEvent.objects.get(organization=organization, action=AuditEvent.Action.OAUTH_CONSENT_GRANTED)
    assert consent.actor == administrator
    assert consent.target == client_id
    assert consent.changes == {"scope": "PM.Scim"}


@pytest.mark.django_db
def test_denied_consent_not_audited(organization, admin_client):
    admin_client.post(url(organization, "enable_scim"), {"method": "oauth_authorization_code", "redirect_url": REDIRECT_URL})
    client_id = ScimOAuthClient.objects.get(organization=organization).application.client_id
    path = authorize_path(organization, client_id)
    form = admin_client.get(path).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    admin_client.post(path, data)

    assert not AuditEvent.objects.filter(action=AuditEvent.Action.OAUTH_CONSENT_GRANTED).exists()
