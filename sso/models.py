import logging

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.models import Organization, Person

logger = logging.getLogger(__name__)


class SamlConfiguration(models.Model):
    """An organization's SAML 2.0 identity provider, with Active or Inactive status.

    An organization without a row is "Not configured". Saving the identity
    provider's settings leaves the status as it was (Inactive for a new row), and
    only `activate` lets people sign in through it.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"

    NOT_CONFIGURED_LABEL = "Not configured"

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="saml_configuration")
    idp_entity_id = models.CharField("identity provider entity ID", max_length=1024)
    idp_sso_url = models.URLField("single sign-on URL", max_length=2048)
    idp_certificate = models.TextField("signing certificate", help_text="PEM-encoded X.509 certificate.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INACTIVE)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "SAML configuration"

    def __str__(self):
        return f"SAML for {self.organization.name} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    def activate(self, by_person):
        """Let the organization's people sign in through this identity provider."""
        self.status = self.Status.ACTIVE
        self.activated_at = timezone.now()
        self.activated_by = by_person
        self.save(update_fields=["status", "activated_at", "activated_by", "updated_at"])
        logger.info(
            "saml_sso_activated organization=%s person=%s idp_entity_id=%s",
            self.organization_id,
            by_person.id,
            self.idp_entity_id,
        )

    def deactivate(self, by_person):
        """Stop sign-in through the identity provider. Password sign-in keeps working."""
        self.status = self.Status.INACTIVE
        self.deactivated_at = timezone.now()
        self.deactivated_by = by_person
        self.save(update_fields=["status", "deactivated_at", "deactivated_by", "updated_at"])
        logger.info(
            "saml_sso_deactivated organization=%s person=%s idp_entity_id=%s",
            self.organization_id,
            by_person.id,
            self.idp_entity_id,
        )


class SamlIdentity(models.Model):
    """The stable link between a person and their identity at the identity provider.

    `subject` is the directory identifier the assertion carries in its externalId
    attribute, or the lowercased Name ID when it carries none. Once a person is
    linked, a later assertion with the same email but another subject does not
    sign into that person.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="saml_identities")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="saml_identity")
    issuer = models.CharField(max_length=1024, help_text="Entity ID of the identity provider.")
    subject = models.CharField(max_length=1024)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "SAML identities"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "issuer", "subject"], name="saml_identity_unique_subject_per_org"
            ),
        ]

    def __str__(self):
        return f"{self.subject} at {self.issuer}"


class AuthnRequestRecord(models.Model):
    """An AuthnRequest this service sent, awaiting the response whose InResponseTo names it.

    The row is deleted when a response consumes it, so each request is accepted once.
    """

    request_id = models.CharField(max_length=128, primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    next_url = models.CharField(max_length=2048, blank=True)
    expires_at = models.DateTimeField()

    @classmethod
    def consume(cls, organization, request_id):
        """Delete and return the unexpired request `request_id` of `organization`, or None."""
        with transaction.atomic():
            record = (
                cls.objects.select_for_update()
                .filter(request_id=request_id, organization=organization, expires_at__gt=timezone.now())
                .first()
            )
            if record is not None:
                record.delete()
        return record


class ConsumedAssertion(models.Model):
    """An assertion ID already used to sign in, kept until the assertion would expire anyway."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    issuer = models.CharField(max_length=1024)
    assertion_id = models.CharField(max_length=256)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "issuer", "assertion_id"], name="consumed_assertion_unique_id"
            ),
        ]

    @classmethod
    def record_first_use(cls, organization, issuer, assertion_id, expires_at):
        """Record the assertion's use and return True, or False when it was already used."""
        cls.objects.filter(expires_at__lt=timezone.now()).delete()
        try:
            with transaction.atomic():
                cls.objects.create(
                    organization=organization, issuer=issuer, assertion_id=assertion_id, expires_at=expires_at
                )
        except IntegrityError:
            return False
        return True
