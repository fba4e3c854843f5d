"""State changes of an organization's SCIM connection."""

from django.db import transaction
from django.utils import timezone

from security.bearer_tokens import revoke_bearer_tokens
from security.models import ScimConnection


def connection_of(organization):
    connection, _ = ScimConnection.objects.get_or_create(organization=organization)
    return connection


@transaction.atomic
def enable_with_bearer_token(organization, *, configured_by=None):
    """Enable SCIM with the long-lived bearer token method, keeping any existing token."""
    connection = ScimConnection.objects.select_for_update().get(pk=connection_of(organization).pk)
    connection.method = ScimConnection.Method.BEARER_TOKEN
    connection.status = ScimConnection.Status.ENABLED
    connection.configured_by = configured_by
    connection.configured_at = connection.confirmed_at = timezone.now()
    connection.save()
    return connection


@transaction.atomic
def disable(organization):
    """Disable SCIM and revoke every bearer token; provisioned people stay as they are."""
    connection = ScimConnection.objects.select_for_update().get(pk=connection_of(organization).pk)
    connection.status = ScimConnection.Status.DISABLED
    connection.save(update_fields=["status"])
    return revoke_bearer_tokens(organization)
