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
from security.oauth_clients import SCIM_SCOPE, organization_id_of_application

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


def load_scim_organization(organization_id):
    """Return the Organization with id `organization_id` and its ScimConnection in one query, or None."""
    try:
        organization_id = uuid.UUID(str(organization_id))
    except ValueError:
        return None
    return Organization.objects.select_related("scim_connection").filter(id=organization_id).first()


def authenticate_scim_request(request, organization):
    """Return the ScimCaller of the request for `organization`, or None when it is not allowed.

    `organization` comes from load_scim_organization() for this request: its SCIM
    connection is read from what that query loaded.

    Accepts a live long-lived bearer token of the organization, or an OAuth 2.0 access
    token that carries `PM.Scim`, is unexpired and unrevoked, and was issued to the
    organization's own OAuth client. A token in the query string is rejected
    (RFC 6750 §2.3, RFC 9700 §4.3.2).
    """
    if "access_token" in request.GET:
        return None
    raw_token = credential_from_header(request.META.get("HTTP_AUTHORIZATION"))
    if raw_token is None:
        return None
    connection = scim_connection_of(organization)
    if connection is None or not connection.accepts_requests:
        return None

    if TOKEN_PATTERN.match(raw_token):
        caller = _bearer_token_caller(raw_token, organization)
    else:
        caller = _oauth_access_token_caller(request, organization)
    if caller is not None:
        _record_use(connection, "last_called_at")
    return caller


def scim_connection_of(organization):
    """Return the organization's ScimConnection, or None when SCIM was never set up."""
    try:
        return organization.scim_connection
    except ScimConnection.DoesNotExist:
        return None


def _bearer_token_caller(raw_token, organization):
    token = find_live_bearer_token(raw_token)
    if token is None or token.organization_id != organization.id:
        return None
    _record_use(token, "last_used_at")
    return ScimCaller(organization_id=organization.id, credential="bearer_token", client_label=token.prefix)


def _oauth_access_token_caller(request, organization):
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[SCIM_SCOPE])
    if not valid:
        return None
    application = oauth_request.access_token.application
    # The organization comes from the client the token was issued to, never from its
    # user: tokens belong to the organization's service user anyway.
    if application is None or organization_id_of_application(application.pk) != organization.id:
        return None
    return ScimCaller(
        organization_id=organization.id, credential="oauth_access_token", client_label=application.client_id
    )


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
