"""SCIM filters (RFC 7644 §3.4.2.2) turned into Django ORM queries on Person.

django-scim2 0.23's default filter parser transpiles a filter to raw SQL, drops
clauses on attributes it does not know (so a filter silently widens or returns
nothing) and applies the tenant condition after an unparenthesised OR. Here the
filter is parsed with scim2-filter-parser's lexer and parser and the syntax tree
is walked against an allowlist: every attribute and operator either becomes a Q
object or raises InvalidFilter. Values only ever reach the database as query
parameters, and the caller scopes the query to one organization.

This module must not import django_scim.adapters: that module reads
USER_FILTER_PARSER while it is being imported.
"""

import json
import uuid

from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils.dateparse import parse_datetime
from scim2_filter_parser import ast as filter_ast
from scim2_filter_parser.lexer import SCIMLexer
from scim2_filter_parser.parser import SCIMParser

from scim.errors import InvalidFilter

ENTERPRISE_USER_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE_USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"

STRING_OPERATORS = {"eq", "ne", "co", "sw", "ew", "pr"}
ORDERING_OPERATORS = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}

# Filterable attributes: (attribute, sub-attribute) in lower case -> (field, kind).
# Kinds: "text" compares case-insensitively (RFC 7643 caseExact false),
# "exact_text" case-sensitively (caseExact true), "id", "boolean", "datetime".
FILTER_ATTRIBUTES = {
    ("id", None): ("id", "id"),
    ("username", None): ("user_name", "text"),
    ("externalid", None): ("external_id", "exact_text"),
    ("displayname", None): ("display_name", "text"),
    ("emails", "value"): ("email", "text"),
    ("emails", None): ("email", "text"),
    ("name", "givenname"): ("first_name", "text"),
    ("name", "familyname"): ("last_name", "text"),
    ("active", None): ("active", "boolean"),
    ("meta", "created"): ("created_at", "datetime"),
    ("meta", "lastmodified"): ("updated_at", "datetime"),
}

# The one email a person has is their work email; `primary` is always true for it.
EMAIL_SUB_ATTRIBUTE_CONSTANTS = {"type": "work", "primary": "true"}

NOTHING = Q(pk__in=[])


class FilterLexer(SCIMLexer):
    """scim2-filter-parser's lexer, with comparison values read as JSON strings.

    RFC 7644 §3.4.2.2 takes compValue from JSON (RFC 7159), so "Robert \\"Bob\\" Smith"
    is one value with escaped quotes. The upstream lexer ends a string at the first
    quote and keeps backslashes as they are.
    """

    tokens = SCIMLexer.tokens

    @_(r'"(?:[^"\\]|\\.)*"')  # noqa: F821 (sly defines _ in the class body)
    def COMP_VALUE(self, token):
        token.value = json.loads(token.value)
        return token


def parse_filter(text):
    """Return the syntax tree of a SCIM filter, or raise InvalidFilter."""
    try:
        tree = SCIMParser().parse(FilterLexer().tokenize(text))
    except Exception:  # sly and json raise several exception types on bad input
        raise InvalidFilter("The filter is not valid SCIM filter syntax.") from None
    if tree is None:
        raise InvalidFilter("The filter is not valid SCIM filter syntax.")
    return tree


class PersonFilter:
    """USER_FILTER_PARSER for django-scim2: builds a Q object for Person."""

    # django-scim2's SCIMUser copies this at import; paths of PATCH do not use it here.
    attr_map = {}

    @classmethod
    def to_q(cls, text):
        return _node_to_q(parse_filter(text))

    @classmethod
    def search(cls, filter_query, request):
        """Return the people of the request's organization that match the filter."""
        from accounts.models import Person

        return Person.objects.filter(organization_id=request.scim_organization.id).filter(cls.to_q(filter_query))


def tree_to_q(node, *, comparison_to_q, value_path_to_q):
    """Return the Q object of a filter syntax tree, combining its `and`, `or` and `not`.

    Each resource type supplies how a comparison (`userName eq "..."`) and a value
    path (`emails[type eq "work"]`) become Q objects. Any other node raises InvalidFilter.
    """
    if isinstance(node, filter_ast.Filter):
        if node.namespace is not None:
            q = value_path_to_q(node.namespace, node.expr)
        else:
            q = tree_to_q(node.expr, comparison_to_q=comparison_to_q, value_path_to_q=value_path_to_q)
        return ~q if node.negated else q
    if isinstance(node, filter_ast.LogExpr):
        left = tree_to_q(node.expr1, comparison_to_q=comparison_to_q, value_path_to_q=value_path_to_q)
        right = tree_to_q(node.expr2, comparison_to_q=comparison_to_q, value_path_to_q=value_path_to_q)
        return left & right if node.op.lower() == "and" else left | right
    if isinstance(node, filter_ast.AttrExpr):
        return comparison_to_q(node)
    raise InvalidFilter("The filter is not valid SCIM filter syntax.")


def _node_to_q(node):
    return tree_to_q(node, comparison_to_q=_comparison_to_q, value_path_to_q=_value_path_to_q)


def _attribute_key(attr_path):
    """Return (attribute, sub-attribute) in lower case, checking any schema URN."""
    if attr_path.uri and attr_path.uri.lower() not in (CORE_USER_URN.lower(), ENTERPRISE_USER_URN.lower()):
        raise InvalidFilter(f"The schema {attr_path.uri!r} is not supported in filters.")
    sub_attr = attr_path.sub_attr.value.lower() if attr_path.sub_attr is not None else None
    return attr_path.attr_name.lower(), sub_attr


def _comparison_to_q(node):
    attr_path = node.attr_path
    if isinstance(attr_path.attr_name, filter_ast.Filter):
        # emails[type eq "work"].value eq "x": the value filter and the comparison.
        value_filter = attr_path.attr_name
        namespace = value_filter.namespace
        inner = _value_path_to_q(namespace, value_filter.expr)
        if value_filter.negated:
            inner = ~inner
        return inner & _comparison_to_q(filter_ast.AttrExpr(node.value, namespace, node.comp_value))
    key = _attribute_key(attr_path)
    if key not in FILTER_ATTRIBUTES:
        raise InvalidFilter(f"Filtering on {_display_path(key)!r} is not supported.")
    field, kind = FILTER_ATTRIBUTES[key]
    operator = node.value.lower()
    value = node.comp_value.value if node.comp_value is not None else None
    return field_comparison(field, kind, operator, value, _display_path(key))


def _value_path_to_q(namespace, expression):
    """Return the Q of a value filter such as emails[type eq "work" and value co "@x"]."""
    key = _attribute_key(namespace)
    if key[0] != "emails":
        raise InvalidFilter(f"Value filters on {key[0]!r} are not supported.")
    return _email_filter_to_q(expression)


def _email_filter_to_q(node):
    if isinstance(node, filter_ast.Filter):
        if node.namespace is not None:
            raise InvalidFilter("Nested value filters are not supported.")
        q = _email_filter_to_q(node.expr)
        return ~q if node.negated else q
    if isinstance(node, filter_ast.LogExpr):
        left, right = _email_filter_to_q(node.expr1), _email_filter_to_q(node.expr2)
        return left & right if node.op.lower() == "and" else left | right
    if not isinstance(node, filter_ast.AttrExpr) or isinstance(node.attr_path.attr_name, filter_ast.Filter):
        raise InvalidFilter("The email value filter is not valid.")
    name = node.attr_path.attr_name.lower()
    operator = node.value.lower()
    value = node.comp_value.value if node.comp_value is not None else None
    if name == "value" and node.attr_path.sub_attr is None:
        return field_comparison("email", "text", operator, value, "emails.value")
    if name in EMAIL_SUB_ATTRIBUTE_CONSTANTS and node.attr_path.sub_attr is None:
        # Only a stored email has a type and a primary flag, and they are constants.
        has_email = ~Q(email="")
        matches = _constant_matches(EMAIL_SUB_ATTRIBUTE_CONSTANTS[name], operator, value, f"emails.{name}")
        return has_email if matches else NOTHING
    raise InvalidFilter(f"Filtering on emails.{name} is not supported.")


def _constant_matches(constant, operator, value, display):
    if operator == "pr":
        return True
    if operator not in STRING_OPERATORS:
        raise InvalidFilter(f"The operator {operator!r} is not supported on {display!r}.")
    constant, value = constant.lower(), (value or "").lower()
    return {
        "eq": constant == value,
        "ne": constant != value,
        "co": value in constant,
        "sw": constant.startswith(value),
        "ew": constant.endswith(value),
    }[operator]


def is_storable_text(value):
    """Return whether PostgreSQL can store `value`: no NUL character and no lone surrogate."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def field_comparison(field, kind, operator, value, display):
    if isinstance(value, str) and not is_storable_text(value):
        # No stored value contains these, and PostgreSQL rejects them as query parameters.
        raise InvalidFilter(
            f"The value compared with {display!r} must not contain the NUL character (U+0000) or a lone surrogate."
        )
    if kind == "boolean":
        return _boolean_comparison(field, operator, value, display)
    if kind == "datetime":
        return _datetime_comparison(field, operator, value, display)
    if kind == "id":
        return _id_comparison(operator, value, display)
    return _text_comparison(field, kind == "text", operator, value, display)


def _text_comparison(field, case_insensitive, operator, value, display):
    present = Q(**{f"{field}__isnull": False}) & ~Q(**{field: ""})
    if operator == "pr":
        return present
    if operator not in STRING_OPERATORS:
        raise InvalidFilter(f"The operator {operator!r} is not supported on {display!r}.")
    if operator in ("eq", "ne") and case_insensitive:
        # lower(field) = lower(value) can use the (organization, lower(user_name))
        # unique index, which Django's iexact (UPPER(...) = UPPER(...)) cannot. The
        # database lowers both sides, as it does for the unique constraint: Python's
        # lower() differs for some letters (a final Greek sigma, and all non-ASCII
        # letters on SQLite).
        q = Q(Exact(Lower(field), Lower(Value(value or ""))))
    elif operator in ("eq", "ne"):
        q = Q(**{field: value})
    else:
        prefix = "i" if case_insensitive else ""
        lookup = {"co": "contains", "sw": "startswith", "ew": "endswith"}[operator]
        # NOTE: on SQLite, contains/startswith/endswith ignore ASCII letter case even
        # for externalId; PostgreSQL compares it exactly as RFC 7643 requires.
        q = Q(**{f"{field}__{prefix}{lookup}": value})
    return ~q if operator == "ne" else q


def _boolean_comparison(field, operator, value, display):
    if operator == "pr":
        return Q()
    if operator not in ("eq", "ne"):
        raise InvalidFilter(f"The operator {operator!r} is not supported on {display!r}.")
    if (value or "").lower() not in ("true", "false"):
        raise InvalidFilter(f"{display!r} compares only with true or false.")
    expected = value.lower() == "true"
    return Q(**{field: expected if operator == "eq" else not expected})


def _datetime_comparison(field, operator, value, display):
    if operator == "pr":
        return Q()
    moment = parse_datetime(value or "")
    if moment is None or moment.tzinfo is None:
        raise InvalidFilter(f"{display!r} compares with a date-time with a time zone, such as 2026-01-31T08:00:00Z.")
    if operator in ORDERING_OPERATORS:
        return Q(**{f"{field}__{ORDERING_OPERATORS[operator]}": moment})
    if operator == "eq":
        return Q(**{field: moment})
    if operator == "ne":
        return ~Q(**{field: moment})
    raise InvalidFilter(f"The operator {operator!r} is not supported on {display!r}.")


def _id_comparison(operator, value, display):
    if operator == "pr":
        return Q()
    if operator not in ("eq", "ne"):
        raise InvalidFilter(f"The operator {operator!r} is not supported on {display!r}.")
    try:
        person_id = uuid.UUID(value or "")
    except ValueError:
        # No person has an id that is not a UUID.
        return NOTHING if operator == "eq" else Q()
    q = Q(id=person_id)
    return q if operator == "eq" else ~q


def _display_path(key):
    attribute, sub_attribute = key
    return f"{attribute}.{sub_attribute}" if sub_attribute else attribute
