"""Resource versions as weak ETags (RFC 7644 §3.14).

A person's `version` increases on every change, and its ETag is W/"<version>".
SCIM's own example compares weak ETags in If-Match, so tags compare by their
opaque value whether or not they carry the W/ prefix.
"""

from scim.errors import PreconditionFailed


def etag(person):
    return f'W/"{person.version}"'


def _opaque_tags(header):
    tags = set()
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag:
            tags.add(tag)
    return tags


def matches(person, header):
    """Return whether an If-Match or If-None-Match header value names the person's version."""
    tags = _opaque_tags(header)
    return "*" in tags or f'"{person.version}"' in tags


def check_if_match(person, if_match):
    """Raise PreconditionFailed when an If-Match header names another version."""
    if if_match is not None and not matches(person, if_match):
        raise PreconditionFailed(f"The user has changed; its current version is {etag(person)}.")
