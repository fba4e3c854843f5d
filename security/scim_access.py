"""The one check every SCIM request passes: which credential, for which organization.

A SCIM request is accepted only with a credential of the organization named in the
URL, while that organization's SCIM connection is not disabled. Browser sessions
never authenticate SCIM.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from oauth2_provider.oauth2_backends import get_oauthlib_core

from accounts.models import Organization
from security.bearer_tokens import TOKEN_PATTERN, find_live_bearer_token
from security.models import ScimConnection
from security.oauth_clients import SCIM_SCOPE, organization_of_application

# last_used_at and last_called_at are written at most once a minute per credential,
# so a busy import does not turn every read into a write.
LAST_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class ScimCaller:
    """The authenticated client of a SCIM request and the organization it acts for."""

    organization: Organization
    credential: str  # "bearer_token" or "oauth_access_token"
    client_label: str  # bearer token prefix or OAuth client id; never a secret

    @property
    def organization_id(self):
        return self.organization.id


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


def authenticate_scim_request(request, organization_id, *, joined_read=None):
    """Return the ScimCaller of a request to the SCIM API of `organization_id`, or None when it is not allowed.

    Accepts a live long-lived bearer token of the organization, or an OAuth 2.0 access
    token that carries `PM.Scim`, is unexpired and unrevoked, and was issued to the
    organization's own OAuth client. A token in the query string is rejected
    (RFC 6750 §2.3, RFC 9700 §4.3.2). A bearer token's query also runs `joined_read`
    (security.bearer_tokens.JoinedRead), if given; an OAuth token leaves it unloaded.
    """
    if "access_token" in request.GET:
        return None
    raw_token = credential_from_header(request.META.get("HTTP_AUTHORIZATION"))
    if raw_token is None:
        return None
    try:
        organization_id = uuid.UUID(str(organization_id))
    except ValueError:
        return None

    token = None
    if TOKEN_PATTERN.match(raw_token):
        # The token's query also loads its organization and SCIM connection.
        token = find_live_bearer_token(raw_token, joined_read=joined_read)
        if token is None or token.organization_id != organization_id:
            return None
        caller = ScimCaller(organization=token.organization, credential="bearer_token", client_label=token.prefix)
    else:
        caller = _oauth_access_token_caller(request, organization_id)
    if caller is None:
        return None

    connection = scim_connection_of(caller.organization)
    if connection is None or not connection.accepts_requests:
        return None
    if token is not None:
        _record_use(token, "last_used_at")
    _record_use(connection, "last_called_at")
    return caller


def scim_connection_of(organization):
    """Return the organization's ScimConnection, or None when SCIM was never set up."""
    try:
        return organization.scim_connection
    except ScimConnection.DoesNotExist:
        return None


def _oauth_access_token_caller(request, organization_id):
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[SCIM_SCOPE])
    if not valid:
        return None
    application = oauth_request.access_token.application
    # The organization comes from the client the token was issued to, never from its
    # user: tokens belong to the organization's service user anyway.
    organization = organization_of_application(application.pk) if application is not None else None
    if organization is None or organization.id != organization_id:
        return None
    return ScimCaller(organization=organization, credential="oauth_access_token", client_label=application.client_id)


def _record_use(instance, field):
    """Set `field` of `instance` to now when its loaded value is older than LAST_USE_RESOLUTION.

    Most requests find a fresh loaded value and write nothing. The UPDATE repeats the
    check, so a concurrent request never moves the time back.
    """
    now = timezone.now()
    loaded = getattr(instance, field)
    if loaded is not None and loaded >= now - LAST_USE_RESOLUTION:
        return
    stale = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now - LAST_USE_RESOLUTION})
    type(instance).objects.filter(stale, pk=instance.pk).update(**{field: now})
    setattr(instance, field, now)
