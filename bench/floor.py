"""The floor: the cheapest possible response to a SCIM userName lookup.

A bare WSGI application with one psycopg connection per worker, one indexed query
and fixed JSON. It authenticates nothing and validates nothing, so it shows how
much of a lookup's time is the framework's. Not part of the product.
"""

import json
import os
import re
from urllib.parse import parse_qs

import psycopg

FILTER_PATTERN = re.compile(r'^userName eq "(?P<value>[^"]*)"$')
_connection = None


def _cursor():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["FLOOR_DATABASE_DSN"], autocommit=True)
    return _connection.cursor()


def application(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    match = FILTER_PATTERN.match(query.get("filter", [""])[0])
    if match is None:
        start_response("400 Bad Request", [("Content-Type", "application/scim+json")])
        return [b'{"status": "400"}']
    with _cursor() as cursor:
        cursor.execute(
            "SELECT id, user_name, active FROM accounts_person "
            "WHERE organization_id = %s AND lower(user_name) = lower(%s)",
            (os.environ["FLOOR_ORGANIZATION_ID"], match["value"]),
        )
        rows = cursor.fetchall()
    body = json.dumps(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(rows),
            "startIndex": 1,
            "itemsPerPage": len(rows),
            "Resources": [{"id": str(row[0]), "userName": row[1], "active": row[2]} for row in rows],
        }
    ).encode()
    start_response(
        "200 OK",
        [("Content-Type", "application/scim+json"), ("Content-Length", str(len(body))), ("X-Query-Count", "1")],
    )
    return [body]
