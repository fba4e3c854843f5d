"""SCIM PATCH operations on a Group (RFC 7644 §3.5.2), read into a list of changes.

The group's member list is never loaded: each operation becomes one change that
scim.group_services applies to the database in order, at a fixed number of queries
per change. The request shapes Okta and Microsoft Entra ID send are all accepted:

- `op` in any letter case (Entra sends `Add`, `Replace`, `Remove`);
- a path-less `replace` whose value carries `displayName`, `externalId`,
  `members`, and the group's own `id`. Okta renames this way, and a different
  `id` is a mutability error;
- `add` and `replace` at `members` with a list of `{"value": <user id>}`;
- `remove` at `members[value eq "<user id>"]` without a value (Okta, and Entra
  with its RFC-compliant flag);
- `remove` at `members` with a value list of members to remove (Entra without
  that flag), or without a value to remove every member.

Attribute names compare case-insensitively (RFC 7643 §2.1); a path may carry
the Group schema URN as prefix.
"""

from dataclasses import dataclass

from scim2_filter_parser import ast as filter_ast

from scim.errors import InvalidPath, InvalidSyntax, InvalidValue, Mutability, NoTarget
from scim.filters import parse_filter
from scim.group_filters import GROUP_URN
from scim.groups import display_name_value, external_id_value, member_values

OPERATIONS = ("add", "replace", "remove")
READ_ONLY_ATTRIBUTES = ("id", "meta", "schemas")


@dataclass(frozen=True)
class SetDisplayName:
    value: str


@dataclass(frozen=True)
class SetExternalId:
    value: str | None


@dataclass(frozen=True)
class AddMembers:
    values: tuple


@dataclass(frozen=True)
class RemoveMembers:
    """Remove the members whose ids are in `values`, or every member when `values` is None."""

    values: tuple | None


@dataclass(frozen=True)
class ReplaceMembers:
    values: tuple


def read_operations(group_id, operations):
    """Return the changes of a PATCH request's Operations, or raise a ScimError."""
    if not isinstance(operations, list) or not operations:
        raise InvalidSyntax("A PATCH request needs a non-empty Operations array.")
    changes = []
    for operation in operations:
        if not isinstance(operation, dict):
            raise InvalidSyntax("Each PATCH operation must be an object.")
        op = operation.get("op")
        if not isinstance(op, str) or op.lower() not in OPERATIONS:
            raise InvalidSyntax(f"The PATCH op {op!r} is not one of add, replace or remove.")
        op = op.lower()
        path = operation.get("path")
        if path is None or path == "":
            changes.extend(_pathless_changes(group_id, op, operation.get("value")))
        elif not isinstance(path, str):
            raise InvalidPath("A PATCH path must be a string.")
        else:
            if op != "remove" and "value" not in operation:
                raise InvalidValue(f"The {op} operation on {path!r} needs a value.")
            changes.append(_path_change(op, path, operation.get("value")))
    return changes


def _pathless_changes(group_id, op, value):
    if op == "remove":
        raise NoTarget("A remove operation needs a path.")
    if not isinstance(value, dict):
        raise InvalidValue(f"An {op} operation without a path needs an object value.")
    changes = []
    for key, item in value.items():
        attribute = _strip_urn(key).lower()
        if attribute == "id":
            # Okta's rename repeats the group's id next to the new displayName.
            if str(item) != str(group_id):
                raise Mutability("The attribute 'id' is read-only and cannot be changed.")
        elif attribute in READ_ONLY_ATTRIBUTES:
            continue
        else:
            changes.append(_attribute_change(op, attribute, key, item))
    return changes


def _path_change(op, path, value):
    attribute, member_filter = _parse_path(path)
    if member_filter is None:
        return _attribute_change(op, attribute, path, value)
    if op != "remove":
        raise InvalidPath(f"The path {path!r} selects members; only remove supports a filtered members path.")
    return RemoveMembers(tuple(member_filter))


def _attribute_change(op, attribute, display, value):
    if attribute == "displayname":
        if op == "remove":
            raise Mutability("The attribute 'displayName' is required and cannot be removed.")
        return SetDisplayName(display_name_value(value))
    if attribute == "externalid":
        return SetExternalId(None if op == "remove" else external_id_value(value))
    if attribute == "members":
        if op == "add":
            return AddMembers(tuple(member_values(value)))
        if op == "replace":
            return ReplaceMembers(tuple(member_values(value)))
        return RemoveMembers(None if value is None else tuple(member_values(value)))
    if attribute in READ_ONLY_ATTRIBUTES:
        raise Mutability(f"The attribute {display!r} is read-only.")
    raise InvalidPath(f"The Group attribute {display!r} does not exist or cannot be changed.")


def _strip_urn(text):
    prefix = GROUP_URN.lower() + ":"
    return text[len(prefix) :] if text.lower().startswith(prefix) else text


def _parse_path(text):
    """Return (attribute in lower case, member ids of a members[...] filter or None)."""
    stripped = _strip_urn(text)
    if "[" not in stripped:
        if "." in stripped or not stripped:
            raise InvalidPath(f"The Group attribute {text!r} does not exist or cannot be changed.")
        return stripped.lower(), None
    try:
        tree = parse_filter(f'{stripped} eq ""')
    except Exception:
        raise InvalidPath(f"The PATCH path {text!r} is not a valid attribute path.") from None
    expression = tree.expr
    if (
        tree.negated
        or not isinstance(expression, filter_ast.AttrExpr)
        or not isinstance(expression.attr_path.attr_name, filter_ast.Filter)
        or expression.attr_path.sub_attr is not None
    ):
        raise InvalidPath(f"The PATCH path {text!r} is not supported; use members[value eq \"<user id>\"].")
    value_filter = expression.attr_path.attr_name
    if value_filter.namespace.attr_name.lower() != "members" or value_filter.negated:
        raise InvalidPath(f"The PATCH path {text!r} is not supported; use members[value eq \"<user id>\"].")
    return "members", _member_ids_of_filter(value_filter.expr, text)


def _member_ids_of_filter(node, text):
    """Return the ids of `value eq "..."` comparisons joined by `or`."""
    if isinstance(node, filter_ast.Filter) and node.namespace is None and not node.negated:
        return _member_ids_of_filter(node.expr, text)
    if isinstance(node, filter_ast.LogExpr) and node.op.lower() == "or":
        return _member_ids_of_filter(node.expr1, text) + _member_ids_of_filter(node.expr2, text)
    if (
        isinstance(node, filter_ast.AttrExpr)
        and not isinstance(node.attr_path.attr_name, filter_ast.Filter)
        and node.attr_path.attr_name.lower() == "value"
        and node.attr_path.sub_attr is None
        and node.value.lower() == "eq"
        and node.comp_value is not None
        and isinstance(node.comp_value.value, str)
    ):
        return [node.comp_value.value]
    raise InvalidPath(f"The members filter of {text!r} is not supported; use value eq \"<user id>\", joined by or.")
