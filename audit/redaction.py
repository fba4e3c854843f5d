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


def redact_value(value):
    """Return `value` with every secret-looking key's value and every token replaced."""
    if isinstance(value, dict):
        redacted = {}
        for key, item in value.items():
            redacted[key] = REDACTED if SECRET_KEY_PATTERN.search(str(key)) else redact_value(item)
        # A PATCH operation that targets a secret attribute carries it in "value".
        if SECRET_KEY_PATTERN.search(str(value.get("path", ""))) and "value" in value:
            redacted["value"] = REDACTED
        return redacted
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, str):
        return SECRET_VALUE_PATTERN.sub(REDACTED, value)
    return value


def redact_body(raw):
    """Return a body (bytes or str) as redacted text of at most MAX_STORED_BODY_CHARACTERS."""
    if not raw:
        return ""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    try:
        text = json.dumps(redact_value(json.loads(text)), ensure_ascii=False, indent=1)
    except ValueError:
        text = SECRET_VALUE_PATTERN.sub(REDACTED, text)
        text = re.sub(r"(?i)(password|secret|token)=[^&\s]*", r"\1=" + REDACTED, text)
    if len(text) > MAX_STORED_BODY_CHARACTERS:
        omitted = len(text) - MAX_STORED_BODY_CHARACTERS
        text = text[:MAX_STORED_BODY_CHARACTERS] + f"\n… [{omitted} more characters not stored]"
    return text
