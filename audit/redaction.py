"""Redaction and size caps for the bodies that provisioning activity stores."""

import json
import re

MAX_STORED_BODY_CHARACTERS = 16_000
REDACTED = "[redacted]"
# Keys ending in these words hold secrets (password, client_secret, refresh_token);
# a key such as bearer_tokens_revoked that only mentions one does not.
SECRET_KEY_PATTERN = re.compile(r"(password|secret|token|authorization|credentials?)$", re.IGNORECASE)
# Raw values that are secrets whatever key they sit under: SCIM bearer tokens.
SECRET_VALUE_PATTERN = re.compile(r"scim_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{20,}")
# Every rule here needs one of these words (any letter case) or a token's "scim_"
# start, so text without them needs no redaction.
SECRET_WORDS = ("password", "secret", "token", "authorization", "credential", "scim_")
# Query-string and form parameters named like a secret (access_token=, client_secret=).
SECRET_PARAMETER_PATTERN = re.compile(
    r"(?i)\b([A-Za-z0-9_.-]*(?:password|secret|token|authorization|credentials?))=[^&\s\"']*"
)


def redact_value(value):
    """Return `value` with every secret-looking key's value and every token replaced."""
    if isinstance(value, dict):
        redacted = {}
        for key, item in value.items():
            if SECRET_KEY_PATTERN.search(str(key)) and not _is_capability_flags(item):
                redacted[key] = REDACTED
            else:
                redacted[key] = redact_value(item)
        # A PATCH operation that targets a secret attribute carries it in "value".
        if SECRET_KEY_PATTERN.search(str(value.get("path", ""))) and "value" in value:
            redacted["value"] = REDACTED
        return redacted
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, str):
        return SECRET_VALUE_PATTERN.sub(REDACTED, value)
    return value


def _is_capability_flags(value):
    """Return whether `value` is an object of booleans only, such as {"supported": false}.

    /ServiceProviderConfig's changePassword is such an object: it ends in "password"
    but contains no secret.
    """
    return isinstance(value, dict) and all(isinstance(item, bool) for item in value.values())


def redact_text(text):
    """Return `text` (a URL, a log line, a non-JSON body) with SCIM tokens and secret parameters redacted."""
    text = SECRET_VALUE_PATTERN.sub(REDACTED, text)
    return SECRET_PARAMETER_PATTERN.sub(lambda match: f"{match[1]}={REDACTED}", text)


def may_contain_secret(text):
    """Return whether `text` mentions a secret word; substring tests beat a regex on large bodies."""
    lowered = text.lower()
    return any(word in lowered for word in SECRET_WORDS)


def redact_body(raw):
    """Return a body (bytes or str) as redacted text of at most MAX_STORED_BODY_CHARACTERS.

    A body that mentions none of the secret words and no SCIM token is stored as it
    came, which spares an import page of 100 people a parse and a re-encoding. JSON
    is stored compact; pretty_body() indents it for reading.
    """
    if not raw:
        return ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    if may_contain_secret(text):
        try:
            text = json.dumps(redact_value(json.loads(text)), ensure_ascii=False)
        except ValueError:
            text = redact_text(text)
    if len(text) > MAX_STORED_BODY_CHARACTERS:
        omitted = len(text) - MAX_STORED_BODY_CHARACTERS
        text = text[:MAX_STORED_BODY_CHARACTERS] + f"\n… [{omitted} more characters not stored]"
    return text


def pretty_body(stored):
    """Return a stored body indented for reading, or as stored when it is not whole JSON."""
    try:
        return json.dumps(json.loads(stored), ensure_ascii=False, indent=2)
    except ValueError:
        return stored
