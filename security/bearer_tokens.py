"""Long-lived SCIM bearer tokens: issue, verify and revoke.

A token reads `scim_<prefix>_<secret>`. The prefix (12 characters) is stored in
clear for lookup and display. The whole token is stored only as an HMAC-SHA256
digest keyed with SECRET_KEY and compared in constant time.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from security.models import ScimBearerToken

TOKEN_PATTERN = re.compile(r"^scim_(?P<prefix>[A-Za-z0-9]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")
PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# Rotation keeps the previous token valid until it is revoked, so at most two are live.
MAX_LIVE_TOKENS = 2


class TooManyLiveTokens(Exception):
    pass


def token_digest(raw_token):
    key = f"scim-bearer-token:{settings.SECRET_KEY}".encode()
    return hmac.new(key, raw_token.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def issue_bearer_token(organization, *, created_by=None, expires_at=None):
    """Create a bearer token for the organization and return (token, raw_token).

    The raw token exists only in the return value. Raises TooManyLiveTokens when the
    organization already has MAX_LIVE_TOKENS live tokens.
    """
    # Lock the organization's tokens so two concurrent issues cannot both pass the check.
    live = list(ScimBearerToken.objects.select_for_update().filter(organization=organization).live())
    if len(live) >= MAX_LIVE_TOKENS:
        raise TooManyLiveTokens(
            f"The organization already has {len(live)} live SCIM bearer tokens; revoke one first."
        )
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(12))
    raw_token = f"scim_{prefix}_{secrets.token_urlsafe(32)}"
    token = ScimBearerToken.objects.create(
        organization=organization,
        prefix=prefix,
        digest=token_digest(raw_token),
        created_by=created_by,
        expires_at=expires_at,
    )
    return token, raw_token


def find_live_bearer_token(raw_token, now=None):
    """Return the live ScimBearerToken whose value is `raw_token`, or None.

    The token comes with its organization and that organization's SCIM connection.
    """
    match = TOKEN_PATTERN.match(raw_token)
    if match is None:
        return None
    token = (
        ScimBearerToken.objects.select_related("organization__scim_connection").filter(prefix=match["prefix"]).first()
    )
    if token is None or not hmac.compare_digest(token.digest, token_digest(raw_token)):
        return None
    if not token.is_live(now):
        return None
    return token


def revoke_bearer_tokens(organization, *, prefix=None):
    """Revoke the organization's live tokens (or only the one with `prefix`); return how many."""
    tokens = ScimBearerToken.objects.filter(organization=organization, revoked_at__isnull=True)
    if prefix is not None:
        tokens = tokens.filter(prefix=prefix)
    return tokens.update(revoked_at=timezone.now())
