"""The per-organization OAuth 2.0 client of SCIM: create, regenerate its secret, delete.

The client secret is generated here, returned once to the caller and stored only
as django-oauth-toolkit's password hash (Application.hash_client_secret).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from security.models import ScimOAuthClient

Application = get_application_model()

SCIM_SCOPE = "PM.Scim"


def token_owner_of(organization):
    """Return the organization's inactive service user that owns its OAuth tokens."""
    user, _ = get_user_model().objects.get_or_create(
        username=f"scim-oauth-{organization.id}",
        defaults={"is_active": False, "password": "!"},  # "!" is Django's unusable password
    )
    return user


@transaction.atomic
def create_oauth_client(organization, *, grant_type, redirect_url=""):
    """Replace the organization's OAuth client with a new one; return (client, raw_secret).

    `grant_type` is Application.GRANT_AUTHORIZATION_CODE (which also allows the
    refresh_token grant) or Application.GRANT_CLIENT_CREDENTIALS. Deleting the previous
    client revokes every token it issued.
    """
    delete_oauth_client(organization)
    raw_secret = generate_client_secret()
    application = Application.objects.create(
        name=f"SCIM User Sync for {organization.display_name}",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=grant_type,
        redirect_uris=redirect_url,
        client_secret=raw_secret,
        hash_client_secret=True,
        skip_authorization=False,
        algorithm=Application.NO_ALGORITHM,
    )
    client = ScimOAuthClient.objects.create(
        organization=organization, application=application, token_owner=token_owner_of(organization)
    )
    return client, raw_secret


@transaction.atomic
def regenerate_client_secret(organization):
    """Give the organization's OAuth client a new secret and revoke its tokens; return the raw secret.

    Raises ScimOAuthClient.DoesNotExist when the organization has no OAuth client.
    """
    client = ScimOAuthClient.objects.select_related("application").select_for_update().get(
        organization=organization
    )
    application = client.application
    raw_secret = generate_client_secret()
    application.client_secret = raw_secret
    application.save(update_fields=["client_secret", "updated"])
    revoke_oauth_tokens(application)
    client.secret_created_at = timezone.now()
    client.save(update_fields=["secret_created_at"])
    return raw_secret


def revoke_oauth_tokens(application):
    """Delete every grant, access token and refresh token the application was issued."""
    application.grant_set.all().delete()
    application.refreshtoken_set.all().delete()
    application.accesstoken_set.all().delete()


def delete_oauth_client(organization):
    """Delete the organization's OAuth client and so every token it issued; return whether one existed."""
    client = ScimOAuthClient.objects.select_related("application").filter(organization=organization).first()
    if client is None:
        return False
    client.application.delete()  # cascades to the ScimOAuthClient row and the tokens
    return True


def organization_of_application(application_id):
    """Return the organization that owns the application, with its SCIM connection, or None."""
    client = (
        ScimOAuthClient.objects.select_related("organization__scim_connection")
        .filter(application_id=application_id)
        .first()
    )
    return client.organization if client is not None else None
