"""The one check every SCIM request passes: which credential, for which organization.

A SCIM request is accepted only with a credential of the organization named in the
URL, while that organization's SCIM connection is not disabled. Browser sessions
never authenticate SCIM.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from security.bearer_tokens import find_live_bearer_token
from security.models import ScimBearerToken, ScimConnection

# last_used_at and last_called_at are written at most once a minute per credential,
# so a busy import does not turn every read into a write.
LAST_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class ScimCaller:
    """The authenticated client of a SCIM request."""

    organization_id: object
    credential: str  # "bearer_token" or "oauth_access_token"
    client_label: str  # bearer token prefix or OAuth client id; never a secret


def credential_from_header(authorization):
    """Return the token of an `Authorization` header value, or None.

    Accepts `Bearer <token>` in any letter case of the scheme (RFC 6750 §2.1) and a
    bare token with no scheme, which Okta's "HTTP Header" mode may send.
    """
    if not authorization:
        return None
    parts = authorization.strip().split()
    if len(parts) == 2 and parts[0].lower() == "bearer":
        return parts[1]
    if len(parts) == 1:
        return parts[0]
    return None


def authenticate_scim_request(request, organization):
    """Return the ScimCaller of the request for `organization`, or None when it is not allowed."""
    raw_token = credential_from_header(request.META.get("HTTP_AUTHORIZATION"))
    if raw_token is None:
        return None
    connection = ScimConnection.objects.filter(organization=organization).first()
    if connection is None or not connection.accepts_requests:
        return None

    token = find_live_bearer_token(raw_token)
    if token is None or token.organization_id != organization.id:
        return None
    _record_use(ScimBearerToken.objects.filter(pk=token.pk), "last_used_at")
    _record_use(ScimConnection.objects.filter(pk=connection.pk), "last_called_at")
    return ScimCaller(organization_id=organization.id, credential="bearer_token", client_label=token.prefix)


def _record_use(queryset, field):
    now = timezone.now()
    stale = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - LAST_USE_RESOLUTION})
    queryset.filter(stale).update(**{field: now})
