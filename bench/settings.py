"""Product settings plus a middleware that reports each request's SQL query count.

The harness serves the product with these settings so it can read the count from
the X-Query-Count response header; nothing else differs from production settings.
"""

from uipath_identity.settings import *  # noqa: F403
from uipath_identity.settings import MIDDLEWARE

MIDDLEWARE = ["bench.query_count.QueryCountMiddleware", *MIDDLEWARE]
