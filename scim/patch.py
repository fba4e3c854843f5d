"""SCIM PATCH operations (RFC 7644 §3.5.2) applied to a User document.

django-scim2 0.23 returns 501 for `add` and `remove` on users, for value-filter
paths and for dotted or URN-prefixed keys in a path-less value. Here every
operation is applied to the resource's SCIM representation (a dict), which the
adapter then reads back as a whole, so every shape Okta and Entra send goes
through the same validation as PUT:

- `op` in any letter case (Entra sends `Replace`);
- a path-less value whose keys are attribute names, dotted paths or URN-prefixed
  paths (Okta deactivates with `{"active": false}`);
- dotted and URN-prefixed paths (`name.givenName`, the enterprise extension);
- value-filter paths (`emails[type eq "work"].value`).

Attribute names compare case-insensitively (RFC 7643 §2.1).
"""

import functools
from typing import NamedTuple

from scim2_filter_parser import ast as filter_ast

from scim.errors import InvalidPath, InvalidSyntax, InvalidValue, NoTarget
from scim.filters import ENTERPRISE_USER_URN, parse_filter

OPERATIONS = ("add", "replace", "remove")
EXTENSION_URNS = {ENTERPRISE_USER_URN.lower(): ENTERPRISE_USER_URN}


def apply_operations(document, operations):
    """Apply PATCH operations to `document` in place; raise a ScimError on a bad operation."""
    if not isinstance(operations, list) or not operations:
        raise InvalidSyntax("A PATCH request needs a non-empty Operations array.")
    for operation in operations:
        if not isinstance(operation, dict):
            raise InvalidSyntax("Each PATCH operation must be an object.")
        op = operation.get("op")
        if not isinstance(op, str) or op.lower() not in OPERATIONS:
            raise InvalidSyntax(f"The PATCH op {op!r} is not one of add, replace or remove.")
        op = op.lower()
        path = operation.get("path")
        value = operation.get("value")
        if path is None or path == "":
            _apply_pathless(document, op, value)
        elif not isinstance(path, str):
            raise InvalidPath("A PATCH path must be a string.")
        else:
            if op != "remove" and "value" not in operation:
                raise InvalidValue(f"The {op} operation on {path!r} needs a value.")
            _apply(document, op, parse_path(path), value)


def _apply_pathless(document, op, value):
    if op == "remove":
        raise NoTarget("A remove operation needs a path.")
    if not isinstance(value, dict):
        raise InvalidValue(f"An {op} operation without a path needs an object value.")
    for key, item in value.items():
        urn = EXTENSION_URNS.get(key.lower())
        if urn is not None and isinstance(item, dict):
            for sub_key, sub_item in item.items():
                _apply(document, op, parse_path(f"{urn}:{sub_key}"), sub_item)
        else:
            _apply(document, op, parse_path(key), item)


class Path(NamedTuple):
    """A parsed PATCH path: attribute, optional value filter, optional sub-attribute.

    parse_path() hands the same Path to every request with the same text, so
    nothing may change it or its value filter.
    """

    text: str
    urn: str | None
    attribute: str
    value_filter: object
    sub_attribute: str | None


@functools.lru_cache(maxsize=256)
def parse_path(text):
    """Parse a PATCH path such as `emails[type eq "work"].value` into a Path.

    Identity providers send the same few paths (`active`, `name.givenName`) over
    and over, and the filter parser took about 0.1 ms per path, so parsed paths
    are kept. A path that does not parse raises each time, and is not kept.
    """
    urn = EXTENSION_URNS.get(text.lower())
    if urn is not None:
        return Path(text, None, urn, None, None)
    try:
        tree = parse_filter(f'{text} eq ""')
    except Exception:
        raise InvalidPath(f"The PATCH path {text!r} is not a valid attribute path.") from None
    expression = tree.expr
    if not isinstance(expression, filter_ast.AttrExpr) or tree.negated:
        raise InvalidPath(f"The PATCH path {text!r} is not a valid attribute path.")
    attr_path = expression.attr_path
    value_filter = None
    if isinstance(attr_path.attr_name, filter_ast.Filter):
        value_filter = attr_path.attr_name.expr
        attr_path = attr_path.attr_name.namespace
    urn = None
    if attr_path.uri:
        urn = EXTENSION_URNS.get(attr_path.uri.lower())
        if urn is None and attr_path.uri.lower() != "urn:ietf:params:scim:schemas:core:2.0:user":
            raise InvalidPath(f"The schema of the PATCH path {text!r} is not supported.")
    sub_attribute = attr_path.sub_attr.value if attr_path.sub_attr is not None else None
    return Path(text, urn, attr_path.attr_name, value_filter, sub_attribute)


def _find_key(container, name):
    """Return the key of `container` that equals `name` ignoring case, or `name`."""
    for key in container:
        if key.lower() == name.lower():
            return key
    return name


def _apply(document, op, path, value):
    container = document
    if path.urn is not None:
        urn_key = _find_key(document, path.urn)
        if not isinstance(document.get(urn_key), dict):
            if op == "remove":
                return
            document[urn_key] = {}
        container = document[urn_key]
    key = _find_key(container, path.attribute)

    if path.value_filter is not None:
        _apply_to_matching_values(container, key, op, path, value)
    elif path.sub_attribute is not None:
        _apply_to_sub_attribute(container, key, op, path, value)
    elif op == "remove":
        container.pop(key, None)
    elif isinstance(container.get(key), list) and op == "add":
        container[key] = _add_values(container[key], value if isinstance(value, list) else [value])
    elif isinstance(container.get(key), dict) and isinstance(value, dict):
        # Complex attribute: sub-attributes not in the value stay as they are.
        _merge(container[key], value)
    else:
        container[key] = value


def _add_values(current, added):
    """Append values to a multi-valued attribute; an added value replaces one of the same type.

    RFC 7643 §2.4 expects one value per type, so adding a second work email replaces
    the first instead of making the user invalid.
    """
    added_types = {_type_of(item) for item in added} - {None}
    kept = [item for item in current if _type_of(item) not in added_types]
    return kept + added


def _type_of(item):
    if not isinstance(item, dict):
        return None
    value = item.get(_find_key(item, "type"))
    return value.lower() if isinstance(value, str) else None


def _merge(target, values):
    for name, item in values.items():
        target[_find_key(target, name)] = item


def _apply_to_sub_attribute(container, key, op, path, value):
    current = container.get(key)
    sub_key_of = lambda item: _find_key(item, path.sub_attribute)  # noqa: E731
    if isinstance(current, list):
        # A sub-attribute of a multi-valued attribute without a filter means every value.
        for item in current:
            if isinstance(item, dict):
                if op == "remove":
                    item.pop(sub_key_of(item), None)
                else:
                    item[sub_key_of(item)] = value
        return
    if op == "remove":
        if isinstance(current, dict):
            current.pop(sub_key_of(current), None)
        return
    if not isinstance(current, dict):
        current = container[key] = {}
    current[sub_key_of(current)] = value


def _apply_to_matching_values(container, key, op, path, value):
    current = container.get(key)
    items = current if isinstance(current, list) else []
    matching = [item for item in items if isinstance(item, dict) and _matches(item, path.value_filter)]

    if op == "remove":
        if path.sub_attribute is None:
            container[key] = [item for item in items if item not in matching]
        else:
            for item in matching:
                item.pop(_find_key(item, path.sub_attribute), None)
        return

    if not matching:
        # Entra replaces emails[type eq "work"].value on a user without a work email:
        # a filter that only selects a type creates the value of that type.
        new_item = _item_from_type_filter(path)
        if new_item is None:
            raise NoTarget(f"No value matches the filter of the PATCH path {path.text!r}.")
        items = items + [new_item]
        container[key] = items
        matching = [new_item]

    for item in matching:
        if path.sub_attribute is not None:
            item[_find_key(item, path.sub_attribute)] = value
        elif isinstance(value, dict):
            _merge(item, value)
        else:
            raise InvalidValue(f"The value for {path.text!r} must be an object.")


def _item_from_type_filter(path):
    node = path.value_filter
    while isinstance(node, filter_ast.Filter) and not node.negated and node.namespace is None:
        node = node.expr
    if (
        isinstance(node, filter_ast.AttrExpr)
        and not isinstance(node.attr_path.attr_name, filter_ast.Filter)
        and node.attr_path.attr_name.lower() == "type"
        and node.value.lower() == "eq"
        and node.comp_value is not None
    ):
        return {"type": node.comp_value.value}
    return None


def _matches(item, node):
    """Evaluate a value filter against one value of a multi-valued attribute."""
    if isinstance(node, filter_ast.Filter):
        if node.namespace is not None:
            raise InvalidPath("Nested value filters are not supported in PATCH paths.")
        result = _matches(item, node.expr)
        return not result if node.negated else result
    if isinstance(node, filter_ast.LogExpr):
        if node.op.lower() == "and":
            return _matches(item, node.expr1) and _matches(item, node.expr2)
        return _matches(item, node.expr1) or _matches(item, node.expr2)
    if not isinstance(node, filter_ast.AttrExpr) or isinstance(node.attr_path.attr_name, filter_ast.Filter):
        raise InvalidPath("The value filter of the PATCH path is not valid.")

    actual = item.get(_find_key(item, node.attr_path.attr_name))
    operator = node.value.lower()
    if operator == "pr":
        return actual not in (None, "", [], {})
    if actual is None:
        return False

    actual = str(actual).lower()
    expected = (node.comp_value.value if node.comp_value is not None else "").lower()
    comparisons = {
        "eq": lambda: actual == expected,
        "ne": lambda: actual != expected,
        "co": lambda: expected in actual,
        "sw": lambda: actual.startswith(expected),
        "ew": lambda: actual.endswith(expected),
        "gt": lambda: actual > expected,
        "ge": lambda: actual >= expected,
        "lt": lambda: actual < expected,
        "le": lambda: actual <= expected,
    }
    if operator not in comparisons:
        raise InvalidPath(f"The operator {operator!r} is not supported in PATCH value filters.")
    return comparisons[operator]()
