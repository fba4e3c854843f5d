"""State changes of an organization's SCIM connection.

Configuring moves the connection to "waiting for identity provider configuration"
and returns the new secrets once; SCIM requests already work while it waits, so the
identity provider's connection test passes before the administrator confirms.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import get_application_model

from security.bearer_tokens import issue_bearer_token, revoke_bearer_tokens
from security.models import ScimBearerToken, ScimConnection, ScimOAuthClient
from security.oauth_clients import create_oauth_client, delete_oauth_client

Application = get_application_model()

GRANT_TYPE_OF_METHOD = {
    ScimConnection.Method.OAUTH_AUTHORIZATION_CODE: Application.GRANT_AUTHORIZATION_CODE,
    ScimConnection.Method.OAUTH_CLIENT_CREDENTIALS: Application.GRANT_CLIENT_CREDENTIALS,
}


@dataclass(frozen=True)
class IssuedCredentials:
    """Secrets created by a configuration step, to be shown once and never stored."""

    client_id: str = ""
    client_secret: str = ""
    bearer_token: ScimBearerToken | None = None
    raw_bearer_token: str = ""
    # Public labels ("bearer token <prefix>", "OAuth client <client id>") of the
    # credentials this step revoked, for the audit trail.
    revoked: tuple = ()


def connection_of(organization):
    connection, _ = ScimConnection.objects.get_or_create(organization=organization)
    return connection


def _locked_connection(organization):
    return ScimConnection.objects.select_for_update().get(pk=connection_of(organization).pk)


@transaction.atomic
def configure(organization, *, method, configured_by, redirect_url="", bearer_expires_at=None):
    """Set up SCIM with `method`, replacing every earlier credential; return the IssuedCredentials.

    The connection waits for identity provider configuration until `confirm`.
    """
    connection = _locked_connection(organization)
    revoked = [
        f"bearer token {prefix}"
        for prefix in ScimBearerToken.objects.filter(organization=organization, revoked_at__isnull=True)
        .order_by("created_at")
        .values_list("prefix", flat=True)
    ]
    revoked += [
        f"OAuth client {client_id}"
        for client_id in ScimOAuthClient.objects.filter(organization=organization).values_list(
            "application__client_id", flat=True
        )
    ]
    revoke_bearer_tokens(organization)
    delete_oauth_client(organization)

    if method == ScimConnection.Method.BEARER_TOKEN:
        token, raw_token = issue_bearer_token(organization, created_by=configured_by, expires_at=bearer_expires_at)
        credentials = IssuedCredentials(bearer_token=token, raw_bearer_token=raw_token, revoked=tuple(revoked))
        redirect_url = ""
    else:
        if method != ScimConnection.Method.OAUTH_AUTHORIZATION_CODE:
            redirect_url = ""
        client, raw_secret = create_oauth_client(
            organization, grant_type=GRANT_TYPE_OF_METHOD[method], redirect_url=redirect_url
        )
        credentials = IssuedCredentials(
            client_id=client.application.client_id, client_secret=raw_secret, revoked=tuple(revoked)
        )

    connection.method = method
    connection.status = ScimConnection.Status.WAITING
    connection.redirect_url = redirect_url
    connection.configured_by = configured_by
    connection.configured_at = timezone.now()
    connection.confirmed_at = None
    connection.save()
    return credentials


@transaction.atomic
def confirm(organization):
    """Mark the identity provider as configured: the status becomes Enabled."""
    connection = _locked_connection(organization)
    if connection.status == ScimConnection.Status.DISABLED:
        raise ValueError("SCIM is disabled; configure it before confirming.")
    connection.status = ScimConnection.Status.ENABLED
    connection.confirmed_at = timezone.now()
    connection.save(update_fields=["status", "confirmed_at"])
    return connection


@transaction.atomic
def enable_with_bearer_token(organization, *, configured_by=None):
    """Enable SCIM with the long-lived bearer token method, keeping any existing token."""
    connection = _locked_connection(organization)
    connection.method = ScimConnection.Method.BEARER_TOKEN
    connection.status = ScimConnection.Status.ENABLED
    connection.configured_by = configured_by
    connection.configured_at = connection.confirmed_at = timezone.now()
    connection.save()
    return connection


@transaction.atomic
def disable(organization):
    """Disable SCIM: revoke every bearer token and delete the OAuth client with its tokens.

    People already provisioned stay as they are. Returns how many bearer tokens were revoked.
    """
    connection = _locked_connection(organization)
    connection.status = ScimConnection.Status.DISABLED
    connection.save(update_fields=["status"])
    delete_oauth_client(organization)
    return revoke_bearer_tokens(organization)
