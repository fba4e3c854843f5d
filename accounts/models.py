import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Lower, Upper

# First path segments that belong to the site itself and so cannot be an
# organization's URL name.
RESERVED_ORGANIZATION_NAMES = frozenset(
    {"admin", "static", "media", "login", "logout", "api", "identity_", "o", "oauth", "health"}
)

organization_name_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
    "Use 1 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit.",
    code="invalid_organization_name",
)


def validate_not_reserved(value):
    from django.core.exceptions import ValidationError

    if value in RESERVED_ORGANIZATION_NAMES:
        raise ValidationError(f"{value!r} is reserved by the site.", code="reserved_organization_name")


class Organization(models.Model):
    class Plan(models.TextChoices):
        COMMUNITY = "community", "Community"
        PRO = "pro", "Pro"
        ENTERPRISE = "enterprise", "Enterprise"
        ENTERPRISE_TRIAL = "enterprise_trial", "Enterprise Trial"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        "URL name",
        max_length=63,
        unique=True,
        validators=[organization_name_validator, validate_not_reserved],
        help_text="Appears in URLs as {organizationName}.",
    )
    display_name = models.CharField(max_length=200)
    plan = models.CharField("license plan", max_length=32, choices=Plan.choices, default=Plan.COMMUNITY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    @property
    def has_enterprise_plan(self):
        return self.plan in (self.Plan.ENTERPRISE, self.Plan.ENTERPRISE_TRIAL)

    def single_sign_on_active(self):
        """Return whether the organization's SAML single sign-on (the sso app) is Active."""
        try:
            return self.saml_configuration.is_active
        except ObjectDoesNotExist:
            return False

    @classmethod
    @transaction.atomic
    def create_with_builtin_groups(cls, **fields):
        """Create an organization together with its Administrators and Everyone groups."""
        organization = cls.objects.create(**fields)
        Group.objects.bulk_create(
            [
                Group(organization=organization, name=role.label, kind=Group.Kind.BUILTIN, builtin_role=role)
                for role in Group.BuiltinRole
            ]
        )
        return organization


class Person(models.Model):
    """Someone in an organization: created here or synced from a directory over SCIM.

    `id` is also the SCIM resource id. A person may have a sign-in identity (a Django
    auth user). People synced from a directory usually have none until they sign in
    through single sign-on.
    """

    class Source(models.TextChoices):
        LOCAL = "local", "Created here"
        DIRECTORY = "directory", "Directory"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    user_name = models.CharField(max_length=255)
    email = models.CharField(max_length=320, blank=True)
    email_primary = models.BooleanField(
        null=True,
        blank=True,
        help_text="SCIM emails[].primary of the email as the directory sent it; unset means primary.",
    )
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    job_title = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    company_name = models.CharField(max_length=255, blank=True)
    external_id = models.CharField(
        "external id",
        max_length=255,
        null=True,
        blank=True,
        help_text="The directory's identifier, used to match and link the person.",
    )
    active = models.BooleanField(default=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.LOCAL)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="Sign-in identity, if the person can sign in with a password.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the Users tab searches, kept by the database. On PostgreSQL one trigram
    # index covers it (migration 0005), where five column indexes were combined before.
    search_text = models.GeneratedField(
        expression=Concat(
            "user_name", Value(" "), "email", Value(" "), "display_name", Value(" "), "first_name", Value(" "),
            "last_name",
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    version = models.PositiveIntegerField(default=1, help_text="Increases on every change; SCIM meta.version.")

    class Meta:
        verbose_name_plural = "people"
        constraints = [
            # Also the index behind the Users tab's order and SCIM user name lookups.
            models.UniqueConstraint(
                F("organization"),
                Lower("user_name"),
                name="person_unique_user_name_per_org",
                violation_error_message="A person with this user name already exists in the organization.",
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=Q(external_id__isnull=False),
                name="person_unique_external_id_per_org",
                violation_error_message="A person with this external id already exists in the organization.",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-updated_at"], name="person_org_updated_idx"),
            # SCIM lists page through an organization's people in creation order.
            models.Index(fields=["organization", "created_at", "id"], name="person_org_created_idx"),
        ]

    def __str__(self):
        return self.user_name

    @property
    def full_name(self):
        return self.display_name or " ".join(part for part in (self.first_name, self.last_name) if part)

    def is_administrator(self):
        return self.memberships.filter(group__builtin_role=Group.BuiltinRole.ADMINISTRATORS).exists()


class Group(models.Model):
    class Kind(models.TextChoices):
        BUILTIN = "builtin", "Built-in"
        LOCAL = "local", "Local"
        DIRECTORY = "directory", "Directory"

    class BuiltinRole(models.TextChoices):
        ADMINISTRATORS = "administrators", "Administrators"
        EVERYONE = "everyone", "Everyone"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.LOCAL)
    builtin_role = models.CharField(max_length=32, choices=BuiltinRole.choices, null=True, blank=True)
    external_id = models.CharField(max_length=255, null=True, blank=True)
    members = models.ManyToManyField(Person, through="Membership", related_name="member_groups")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="Last change of the group or its members.")
    version = models.PositiveIntegerField(
        default=1, help_text="Increases on every SCIM write of the group or its members; SCIM meta.version."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "builtin_role"],
                condition=Q(builtin_role__isnull=False),
                name="group_unique_builtin_role_per_org",
            ),
            models.CheckConstraint(
                condition=Q(kind="builtin", builtin_role__isnull=False) | (~Q(kind="builtin") & Q(builtin_role__isnull=True)),
                name="group_builtin_role_iff_builtin",
            ),
            # Directory group names are unique per organization regardless of letter
            # case, so a second SCIM create of a name is a conflict. Built-in and local
            # groups are outside the condition: a directory group may be named
            # "Administrators". Upper() matches what `iexact` compiles to on PostgreSQL,
            # so this index also serves SCIM displayName lookups.
            models.UniqueConstraint(
                F("organization"),
                Upper("name"),
                condition=Q(kind="directory"),
                name="group_unique_directory_name_per_org",
                violation_error_message="A directory group with this name already exists in the organization.",
            ),
        ]
        indexes = [
            # SCIM lists page through an organization's directory groups in creation order.
            models.Index(fields=["organization", "kind", "created_at", "id"], name="group_org_kind_created_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_everyone(self):
        return self.builtin_role == self.BuiltinRole.EVERYONE


class Membership(models.Model):
    """A person's membership of a group.

    The built-in Everyone group has no rows here: every person of the organization
    is a member of it.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="membership_unique_group_person"),
        ]
        indexes = [models.Index(fields=["person", "group"], name="membership_person_idx")]
