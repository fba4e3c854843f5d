from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from audit.models import AuditEvent
from audit.trail import record_audit_event
from security.bearer_tokens import revoke_bearer_tokens


class Command(BaseCommand):
    help = "Revoke an organization's SCIM bearer tokens: all of them, or the one with --prefix."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="URL name of the organization.")
        parser.add_argument("--prefix", help="Revoke only the token with this prefix.")

    def handle(self, *args, **options):
        organization = Organization.objects.filter(name=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization has the URL name {options['organization']!r}.")
        revoked = revoke_bearer_tokens(organization, prefix=options["prefix"])
        if options["prefix"] and revoked == 0:
            raise CommandError(f"No live token with prefix {options['prefix']!r} in {organization.name}.")
        if revoked:
            record_audit_event(
                organization,
                AuditEvent.Action.CREDENTIAL_REVOKED,
                actor_label="manage.py revoke_scim_tokens",
                target=f"bearer token {options['prefix']}" if options["prefix"] else "every bearer token",
                changes={"revoked": revoked},
            )
        self.stdout.write(f"Revoked {revoked} SCIM bearer token{'s' if revoked != 1 else ''} of {organization.name}.")
