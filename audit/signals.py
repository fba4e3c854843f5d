"""Audit events for sign-ins, from Django's authentication signals."""

import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts.models import Person
from audit.models import AuditEvent
from audit.trail import record_audit_event

logger = logging.getLogger(__name__)


@receiver(user_logged_in)
def record_administrator_sign_in(sender, request, user, **kwargs):
    person = Person.objects.filter(user=user).select_related("organization").first()
    if person is not None and person.is_administrator():
        record_audit_event(person.organization, AuditEvent.Action.ADMIN_SIGNED_IN, request=request, actor=person)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    organization = credentials.get("organization")
    if organization is None:
        return
    logger.warning("accounts.sign_in_failed", extra={"organization_id": str(organization.id)})
    record_audit_event(
        organization,
        AuditEvent.Action.SIGN_IN_FAILED,
        request=request,
        actor_label=str(credentials.get("username", ""))[:255],
    )
