"""Structured logging: a request id on every record, console or JSON output.

Code logs a fixed event name as the message and ids as `extra` fields, for example
logger.info("scim.person.created", extra={"organization_id": ..., "person_id": ...}).
Personal attributes beyond ids and secrets are never logged.
"""

import contextvars
import logging
import re
import uuid

from audit.redaction import redact_text

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
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Add request_id to each record.

    django.request logs 4xx and 5xx responses after the middleware has returned, so
    the id then comes from the request that the record carries.
    """

    def filter(self, record):
        # Work done after the response has been sent passes its request's id in `extra`.
        if getattr(record, "request_id", "-") == "-":
            record.request_id = request_id_var.get()
        request = getattr(record, "request", None)
        if record.request_id == "-" and request is not None:
            record.request_id = getattr(request, "request_id", "-")
        return True


class SecretRedactionFilter(logging.Filter):
    """Redact SCIM tokens and secret query parameters from each message.

    The development server logs each request line with its query string, where a
    client may have put access_token=... against RFC 6750.
    """

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        # Django's loggers attach the request, whose repr shows the query string.
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = f"{getattr(request, 'method', '')} {getattr(request, 'path', '')}".strip()
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
