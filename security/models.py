from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.settings import oauth2_settings

from accounts.models import Organization, Person

# A bearer token that expires within this window is flagged on the Security page.
EXPIRY_WARNING = timedelta(days=14)


class ScimConnection(models.Model):
    """The SCIM User Sync set-up of one organization."""

    class Method(models.TextChoices):
        OAUTH_AUTHORIZATION_CODE = "oauth_authorization_code", "OAuth2 authorization code grant"
        BEARER_TOKEN = "bearer_token", "Long-lived bearer token"
        OAUTH_CLIENT_CREDENTIALS = "oauth_client_credentials", "OAuth2 client credentials grant"

    class Status(models.TextChoices):
        DISABLED = "disabled", "Disabled"
        WAITING = "waiting", "Waiting for identity provider configuration"
        ENABLED = "enabled", "Enabled"

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="scim_connection")
    method = models.CharField(max_length=32, choices=Method.choices, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DISABLED)
    redirect_url = models.URLField(
        "redirect URL", max_length=2000, blank=True, help_text="The identity provider's OAuth callback."
    )
    configured_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    configured_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_called_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"SCIM connection of {self.organization.name}: {self.get_status_display()}"

    @property
    def accepts_requests(self):
        """Whether SCIM requests are served: also while waiting, for the connector test."""
        return self.status != self.Status.DISABLED


class ScimBearerTokenQuerySet(models.QuerySet):
    def live(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ScimBearerToken(models.Model):
    """A long-lived bearer token for an organization's SCIM endpoint.

    The raw token is shown once when issued. Only its visible prefix and a keyed
    HMAC-SHA256 digest of the whole token are stored; see security.bearer_tokens.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="scim_bearer_tokens")
    prefix = models.CharField(max_length=16, unique=True, help_text="Visible start of the token, for lookup and display.")
    digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScimBearerTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.organization.name})"

    def is_live(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def expires_soon(self, now=None):
        """Return whether the token is live and expires within EXPIRY_WARNING, which the page flags."""
        now = now or timezone.now()
        return self.is_live(now) and self.expires_at is not None and self.expires_at - now <= EXPIRY_WARNING


class ScimOAuthClient(models.Model):
    """The OAuth 2.0 client through which an organization's identity provider calls SCIM.

    A side table next to django-oauth-toolkit's stock Application rather than a
    swapped application model: Django supports swapping a model only before its
    first migration has run, and oauth2_provider's tables already exist. Deleting
    the application deletes its grants, access tokens and refresh tokens with it.
    """

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="scim_oauth_client")
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="scim_oauth_client"
    )
    # Tokens belong to this inactive service user instead of the administrator who
    # consented, so provisioning keeps working when that administrator leaves.
    token_owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The user name at consent time rather than a key, so it stays after that person
    # is deleted and deleting a person does not have to update this table.
    authorized_by_user_name = models.CharField(max_length=255, blank=True)
    authorized_at = models.DateTimeField(null=True, blank=True)
    secret_created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "SCIM OAuth client"

    def __str__(self):
        return f"SCIM OAuth client of {self.organization.name}"
