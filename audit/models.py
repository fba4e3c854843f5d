from django.db import models
from django.utils import timezone

from accounts.models import Organization, Person
from audit.redaction import pretty_body


class ProvisioningEvent(models.Model):
    """One SCIM request to an organization's endpoint, accepted or rejected.

    Bodies are stored with secrets redacted and capped in size (audit.redaction).
    `person_id` has no foreign key so the history of a deleted person stays.
    """

    class Operation(models.TextChoices):
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DEACTIVATE = "deactivate", "Deactivate"
        REACTIVATE = "reactivate", "Reactivate"
        DELETE = "delete", "Delete"
        LOOKUP = "lookup", "Lookup"
        IMPORT_PAGE = "import_page", "Import page"
        DISCOVERY = "discovery", "Discovery"
        GROUP = "group", "Group change"
        OTHER = "other", "Other"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField(default=timezone.now)
    client = models.CharField(max_length=200, blank=True, help_text="OAuth client id or bearer token prefix.")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=1000)
    operation = models.CharField(max_length=16, choices=Operation.choices)
    person_id = models.UUIDField(null=True, blank=True)
    person_user_name = models.CharField(max_length=255, blank=True)
    # The SCIM group a /Groups request read or changed; no foreign key, as for person_id.
    group_id = models.UUIDField(null=True, blank=True)
    group_display_name = models.CharField(max_length=255, blank=True)
    status = models.PositiveSmallIntegerField()
    scim_type = models.CharField(max_length=32, blank=True)
    detail = models.CharField(max_length=1000, blank=True)
    duration_ms = models.PositiveIntegerField()
    request_body = models.TextField(blank=True)
    response_body = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "-id"], name="provisioning_org_newest_idx"),
            models.Index(fields=["organization", "person_id", "-id"], name="provisioning_person_idx"),
            models.Index(fields=["occurred_at"], name="provisioning_occurred_idx"),
        ]

    def __str__(self):
        return f"{self.method} {self.path} -> {self.status}"

    @property
    def succeeded(self):
        return self.status < 400

    @property
    def request_body_for_reading(self):
        return pretty_body(self.request_body)

    @property
    def response_body_for_reading(self):
        return pretty_body(self.response_body)


class AuditEvent(models.Model):
    """A security-relevant change, written explicitly by the code that makes it.

    `changes` contains what changed, never a secret: audit.trail.record_audit_event
    redacts secret-looking keys before saving.
    """

    class Action(models.TextChoices):
        SCIM_ENABLED = "scim_enabled", "SCIM enabled"
        SCIM_METHOD_CHANGED = "scim_method_changed", "SCIM method changed"
        SCIM_CONFIRMED = "scim_confirmed", "SCIM confirmed"
        SCIM_REMOVED = "scim_removed", "SCIM removed"
        CREDENTIAL_ISSUED = "credential_issued", "Credential issued"
        CREDENTIAL_REGENERATED = "credential_regenerated", "Credential regenerated"
        CREDENTIAL_REVOKED = "credential_revoked", "Credential revoked"
        OAUTH_CONSENT_GRANTED = "oauth_consent_granted", "OAuth consent granted"
        SAML_CONFIGURED = "saml_configured", "SAML SSO configured"
        SAML_ACTIVATED = "saml_activated", "SAML SSO activated"
        SAML_DEACTIVATED = "saml_deactivated", "SAML SSO deactivated"
        PERSON_DELETED = "person_deleted", "Person deleted over SCIM"
        ADMIN_SIGNED_IN = "admin_signed_in", "Administrator signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=32, choices=Action.choices)
    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(
        max_length=255, blank=True, help_text="Who acted, kept after the person is gone: a user name or a client."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    target = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "-id"], name="audit_org_newest_idx")]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_label or 'system'}"
