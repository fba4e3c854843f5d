"""SCIM filters on Groups (RFC 7644 §3.4.2.2) turned into Django ORM queries on Group.

The filter text is parsed by scim.filters.parse_filter, and the syntax tree is
walked against the allowlist below: every attribute and operator becomes a Q
object or raises InvalidFilter. The caller scopes the query to the directory
groups of one organization.

| filter attribute   | compared with                      |
| ------------------ | ---------------------------------- |
| id                 | Group.id (eq, ne, pr)              |
| displayName        | Group.name, ignoring letter case   |
| externalId         | Group.external_id, exactly         |
| members.value      | a member's person id (eq, ne, pr)  |
| meta.created       | Group.created_at                   |
| meta.lastModified  | Group.updated_at                   |
"""

import uuid

from django.db.models import Exists, OuterRef, Q
from scim2_filter_parser import ast as filter_ast

from accounts.models import Membership
from scim.errors import InvalidFilter
from scim.filters import field_comparison, parse_filter, tree_to_q

GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"

# (attribute, sub-attribute) in lower case -> (field, kind) as scim.filters compares them.
FILTER_ATTRIBUTES = {
    ("id", None): ("id", "id"),
    ("displayname", None): ("name", "text"),
    ("externalid", None): ("external_id", "exact_text"),
    ("meta", "created"): ("created_at", "datetime"),
    ("meta", "lastmodified"): ("updated_at", "datetime"),
}
MEMBER_KEYS = {("members", "value"), ("members", None)}

NOTHING = Q(pk__in=[])


def group_filter_to_q(text):
    """Return the Q object of a SCIM filter on Groups, or raise InvalidFilter."""
    return _node_to_q(parse_filter(text))


def _node_to_q(node):
    return tree_to_q(node, comparison_to_q=_comparison_to_q, value_path_to_q=_members_value_filter_to_q)


def _attribute_key(attr_path):
    if attr_path.uri and attr_path.uri.lower() != GROUP_URN.lower():
        raise InvalidFilter(f"The schema {attr_path.uri!r} is not supported in Group filters.")
    if isinstance(attr_path.attr_name, filter_ast.Filter):
        raise InvalidFilter("Value filters are supported only as members[value eq \"...\"].")
    sub_attr = attr_path.sub_attr.value.lower() if attr_path.sub_attr is not None else None
    return attr_path.attr_name.lower(), sub_attr


def _comparison_to_q(node):
    key = _attribute_key(node.attr_path)
    operator = node.value.lower()
    value = node.comp_value.value if node.comp_value is not None else None
    display = f"{key[0]}.{key[1]}" if key[1] else key[0]
    if key in MEMBER_KEYS:
        return _member_comparison(operator, value, display)
    if key not in FILTER_ATTRIBUTES:
        raise InvalidFilter(f"Filtering Groups on {display!r} is not supported.")
    field, kind = FILTER_ATTRIBUTES[key]
    return field_comparison(field, kind, operator, value, display)


def _members_value_filter_to_q(namespace, expression):
    """Return the Q of members[value eq "..."], the one value filter Groups support."""
    if _attribute_key(namespace) != ("members", None):
        raise InvalidFilter("Value filters are supported only on members.")
    while isinstance(expression, filter_ast.Filter) and expression.namespace is None and not expression.negated:
        expression = expression.expr
    if not isinstance(expression, filter_ast.AttrExpr):
        raise InvalidFilter("A members value filter compares only value, such as members[value eq \"...\"].")
    if _attribute_key(expression.attr_path) != ("value", None):
        raise InvalidFilter("A members value filter compares only value, such as members[value eq \"...\"].")
    value = expression.comp_value.value if expression.comp_value is not None else None
    return _member_comparison(expression.value.lower(), value, "members.value")


def _member_comparison(operator, value, display):
    memberships = Membership.objects.filter(group_id=OuterRef("pk"))
    if operator == "pr":
        return Q(Exists(memberships))
    if operator not in ("eq", "ne"):
        raise InvalidFilter(f"The operator {operator!r} is not supported on {display!r}; use eq or ne.")
    try:
        person_id = uuid.UUID(value or "")
    except ValueError:
        # No person has an id that is not a UUID.
        return NOTHING if operator == "eq" else Q()
    q = Q(Exists(memberships.filter(person_id=person_id)))
    return q if operator == "eq" else ~q
