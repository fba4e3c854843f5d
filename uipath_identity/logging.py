"""Structured logging: a request id on every record, console or JSON output.

Code logs a fixed event name as the message and ids as `extra` fields, for example
logger.info("scim.person.created", extra={"organization_id": ..., "person_id": ...}).
Personal attributes beyond ids and secrets are never logged.
"""

import contextvars
import logging
import re
import uuid

request_id_var = contextvars.ContextVar("request_id", default="-")
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Attributes every LogRecord has; anything else on a record came from `extra`.
STANDARD_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class RequestIdMiddleware:
    """Tag each request with an id: the caller's X-Request-ID when well-formed, else a new one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class ConsoleFormatter(logging.Formatter):
    """Human-readable lines: time, level, logger, event, then the extra fields as key=value."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)-7s %(name)s %(message)s")

    def format(self, record):
        line = super().format(record)
        fields = {
            key: value for key, value in vars(record).items() if key not in STANDARD_RECORD_ATTRIBUTES and value is not None
        }
        if fields:
            line += " " + " ".join(f"{key}={value}" for key, value in sorted(fields.items()))
        return line
