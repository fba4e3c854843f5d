"""The `attributes` and `excludedAttributes` parameters (RFC 7644 §3.4.2.5, §3.9).

django-scim2 0.23 ignores both. `id` and `schemas` are returned always.
"""

from scim.errors import InvalidValue
from scim.filters import CORE_USER_URN, ENTERPRISE_USER_URN

ALWAYS_RETURNED = ("schemas", "id")


def parse_attribute_list(value):
    """Return the attribute paths of a parameter: a comma-separated string or a JSON list."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidValue("attributes and excludedAttributes must be lists of attribute names.")
    return [_split(item.strip()) for item in value if item.strip()]


def _split(path):
    """Return (urn or None, attribute or None, sub-attribute or None) of an attribute path."""
    lowered = path.lower()
    for urn in (ENTERPRISE_USER_URN, CORE_USER_URN):
        if lowered == urn.lower():
            return (urn, None, None) if urn == ENTERPRISE_USER_URN else (None, None, None)
        if lowered.startswith(urn.lower() + ":"):
            rest = path[len(urn) + 1 :]
            attribute, _, sub_attribute = rest.partition(".")
            return (urn if urn == ENTERPRISE_USER_URN else None, attribute, sub_attribute or None)
    attribute, _, sub_attribute = path.partition(".")
    return (None, attribute, sub_attribute or None)


def project(resource, attributes, excluded_attributes):
    """Return `resource` limited to `attributes`, or without `excluded_attributes`."""
    if attributes:
        return _keep(resource, attributes)
    if excluded_attributes:
        return _drop(resource, excluded_attributes)
    return resource


def _keep(resource, paths):
    kept = {key: resource[key] for key in ALWAYS_RETURNED if key in resource}
    for urn, attribute, sub_attribute in paths:
        source = resource.get(urn, {}) if urn is not None else resource
        target = kept
        if urn is not None:
            if urn not in resource:
                continue
            if attribute is None:
                kept[urn] = resource[urn]
                continue
            target = kept.setdefault(urn, {})
        if attribute is None:
            continue
        key = _find(source, attribute)
        if key is None:
            continue
        value = source[key]
        if sub_attribute is None:
            target[key] = value
        elif isinstance(value, dict):
            sub_key = _find(value, sub_attribute)
            if sub_key is not None:
                target.setdefault(key, {})[sub_key] = value[sub_key]
        elif isinstance(value, list):
            target[key] = [
                {sub_key: item[sub_key]} for item in value if (sub_key := _find(item, sub_attribute)) is not None
            ]
    return kept


def _drop(resource, paths):
    result = {key: (dict(value) if isinstance(value, dict) else value) for key, value in resource.items()}
    for urn, attribute, sub_attribute in paths:
        container = result.get(urn) if urn is not None else result
        if not isinstance(container, dict):
            continue
        if attribute is None:
            if urn is not None:
                result.pop(urn, None)
            continue
        key = _find(container, attribute)
        if key is None or (urn is None and key in ALWAYS_RETURNED):
            continue
        if sub_attribute is None:
            container.pop(key)
        elif isinstance(container[key], dict):
            sub_key = _find(container[key], sub_attribute)
            if sub_key is not None:
                container[key].pop(sub_key)
        elif isinstance(container[key], list):
            container[key] = [
                {name: item_value for name, item_value in item.items() if name.lower() != sub_attribute.lower()}
                for item in container[key]
            ]
    return result


def _find(container, name):
    for key in container:
        if key.lower() == name.lower():
            return key
    return None
