from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Organization
from audit.models import AuditEvent
from audit.trail import record_audit_event
from security.bearer_tokens import TooManyLiveTokens, issue_bearer_token
from security.connections import connection_of, enable_with_bearer_token
from security.models import ScimConnection


class Command(BaseCommand):
    help = (
        "Issue a long-lived bearer token for an organization's SCIM endpoint and print it once. "
        "Enables SCIM with the bearer token method if it was disabled. Only a digest is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("organization", help="URL name of the organization.")
        parser.add_argument(
            "--expires-in-days", type=int, help="Days until the token expires (default: never)."
        )

    def handle(self, *args, **options):
        organization = Organization.objects.filter(name=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization has the URL name {options['organization']!r}.")
        expires_at = None
        if options["expires_in_days"] is not None:
            if options["expires_in_days"] < 1:
                raise CommandError("--expires-in-days must be at least 1.")
            expires_at = timezone.now() + timedelta(days=options["expires_in_days"])

        connection = connection_of(organization)
        if connection.status != ScimConnection.Status.DISABLED and connection.method != ScimConnection.Method.BEARER_TOKEN:
            # Admin > Security lists bearer tokens only for the bearer token method, so a
            # token issued now would work without administrators seeing or revoking it.
            raise CommandError(
                f"SCIM of {organization.name} uses the {connection.get_method_display()} method; no token issued. "
                "Switch the method to Long-lived bearer token under Admin > Security > Manage SCIM, "
                "or remove SCIM there, then run this command again."
            )
        try:
            token, raw_token = issue_bearer_token(organization, expires_at=expires_at)
        except TooManyLiveTokens as error:
            raise CommandError(f"{error} Use revoke_scim_tokens {organization.name} --prefix PREFIX.") from None
        if connection.status == ScimConnection.Status.DISABLED:
            enable_with_bearer_token(organization)
            record_audit_event(
                organization, AuditEvent.Action.SCIM_ENABLED, actor_label="manage.py issue_scim_token",
                changes={"method": ScimConnection.Method.BEARER_TOKEN},
            )
        record_audit_event(
            organization,
            AuditEvent.Action.CREDENTIAL_ISSUED,
            actor_label="manage.py issue_scim_token",
            target=f"bearer token {token.prefix}",
            changes={"expires_at": expires_at.isoformat() if expires_at else "never"},
        )

        self.stdout.write(f"SCIM URL:     {settings.PUBLIC_BASE_URL}/{organization.id}/identity_/api/scim/v2")
        self.stdout.write(f"Bearer token: {raw_token}")
        self.stdout.write(
            f"The token is shown only now; its prefix is {token.prefix}"
            + (f" and it expires at {expires_at:%Y-%m-%d %H:%M} UTC." if expires_at else " and it does not expire.")
        )
