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


def redact_body(raw):
    """Return a body (bytes or str) as redacted text of at most MAX_STORED_BODY_CHARACTERS."""
    if not raw:
        return ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    try:
        text = json.dumps(redact_value(json.loads(text)), ensure_ascii=False, indent=1)
    except ValueError:
        text = redact_text(text)
    if len(text) > MAX_STORED_BODY_CHARACTERS:
        omitted = len(text) - MAX_STORED_BODY_CHARACTERS
        text = text[:MAX_STORED_BODY_CHARACTERS] + f"\n… [{omitted} more characters not stored]"
    return text
