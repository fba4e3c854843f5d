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
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from accounts.models import Organization
from security.models import ScimBearerToken, ScimConnection
from uipath_identity.rows import ModelColumns, fetch_instances

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


class JoinedRead:
    """A read of at most one row of the token's organization, run in the token's query.

    Most SCIM requests read one person right after the token check. Run in the same
    statement, that read costs no round trip and no query of its own. `join` is the
    LEFT OUTER JOIN clause of the row's table under the alias of `columns`, in which
    `{organization}` stands for the token's organization column, and `params` are
    its parameters. `key` names the SQL in the per-process cache, so one key must
    always come with the same `join`. After the query, `loaded` is True when the
    read ran, and `instance` is the row's instance or None.
    """

    def __init__(self, key, columns, join, params):
        self.key = key
        self.columns = columns
        self.join = join
        self.params = params
        self.loaded = False
        self.instance = None


def find_live_bearer_token(raw_token, now=None, *, joined_read=None):
    """Return the live ScimBearerToken whose value is `raw_token`, or None.

    The token comes with its organization and that organization's SCIM connection,
    and the same query runs `joined_read`, if given.
    """
    match = TOKEN_PATTERN.match(raw_token)
    if match is None:
        return None
    token = load_token_with_connection(match["prefix"], joined_read=joined_read)
    if token is None or not hmac.compare_digest(token.digest, token_digest(raw_token)):
        return None
    if not token.is_live(now):
        return None
    return token


def load_token_with_connection(prefix, using=DEFAULT_DB_ALIAS, *, joined_read=None):
    """Return the ScimBearerToken with `prefix`, its organization and SCIM connection cached, or None.

    The same row as `select_related("organization__scim_connection")` would load,
    from SQL written once per process. Every SCIM request with a bearer token runs
    this query, and the ORM took longer to compile the three-table join (about
    0.3 ms) than PostgreSQL took to execute it. With a JoinedRead, the query also
    runs that read, which is marked loaded when the token exists.
    """
    connection = connections[using]
    sql, columns = _token_query(connection, joined_read)
    params = [*joined_read.params, prefix] if joined_read is not None else [prefix]
    for token, organization, scim_connection, *joined in fetch_instances(connection, sql, params, columns):
        if joined_read is not None:
            joined_read.loaded = True
            joined_read.instance = joined[0]
        token.organization = organization
        if scim_connection is not None:
            organization.scim_connection = scim_connection
        else:
            # Cached as absent, as select_related does: reading it raises DoesNotExist without a query.
            ScimConnection._meta.get_field("organization").remote_field.set_cached_value(organization, None)
        return token
    return None


_token_queries = {}


def _token_query(connection, joined_read=None):
    """Return the SQL of load_token_with_connection and the ModelColumns of its models, built once per database and JoinedRead key."""
    key = (connection.alias, joined_read.key if joined_read is not None else None)
    if key not in _token_queries:
        _token_queries[key] = _build_token_query(connection, joined_read)
    return _token_queries[key]


def _build_token_query(connection, joined_read):
    quote = connection.ops.quote_name
    columns = [
        ModelColumns(ScimBearerToken, "token", connection),
        ModelColumns(Organization, "organization", connection),
        ModelColumns(ScimConnection, "scim_connection", connection),
    ]
    token_table, organization_table, connection_table = (
        quote(model._meta.db_table) for model in (ScimBearerToken, Organization, ScimConnection)
    )
    organization_key = quote(ScimBearerToken._meta.get_field("organization").column)
    connection_key = quote(ScimConnection._meta.get_field("organization").column)
    organization_id = quote(Organization._meta.pk.column)
    joins = (
        f" INNER JOIN {organization_table} organization ON organization.{organization_id} = token.{organization_key}"
        f" LEFT OUTER JOIN {connection_table} scim_connection"
        f" ON scim_connection.{connection_key} = organization.{organization_id}"
    )
    if joined_read is not None:
        columns.append(joined_read.columns)
        joins += " " + joined_read.join.format(organization=f"token.{organization_key}")
    return (
        f"SELECT {', '.join(model_columns.select_list for model_columns in columns)} FROM {token_table} token"
        f"{joins} WHERE token.{quote(ScimBearerToken._meta.get_field('prefix').column)} = %s",
        columns,
    )


def revoke_bearer_tokens(organization, *, prefix=None):
    """Revoke the organization's live tokens (or only the one with `prefix`); return how many."""
    tokens = ScimBearerToken.objects.filter(organization=organization, revoked_at__isnull=True)
    if prefix is not None:
        tokens = tokens.filter(prefix=prefix)
    return tokens.update(revoked_at=timezone.now())
