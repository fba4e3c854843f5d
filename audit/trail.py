"""The audit trail: explicit records of security-relevant changes."""

import logging

from django.conf import settings

from audit.models import AuditEvent
from audit.redaction import redact_value

logger = logging.getLogger(__name__)


def client_ip(request):
    """Return the client's address; behind a TLS proxy, the first X-Forwarded-For entry."""
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or None


def record_audit_event(organization, action, *, request=None, actor=None, actor_label="", target="", changes=None):
    """Write one AuditEvent; secret-looking keys in `changes` are stored as [redacted]."""
    if actor is not None and not actor_label:
        actor_label = actor.user_name
    event = AuditEvent.objects.create(
        organization=organization,
        action=action,
        actor=actor,
        actor_label=actor_label[:255],
        ip_address=client_ip(request),
        target=str(target)[:255],
        changes=redact_value(changes or {}),
    )
    logger.info(
        "audit.%s",
        action,
        extra={"organization_id": str(organization.id), "actor_id": str(actor.id) if actor else None},
    )
    return event
