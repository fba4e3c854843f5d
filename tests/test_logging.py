import json
import logging

import pytest
from django.test import Client, RequestFactory

from uipath_identity.logging import ConsoleFormatter, RequestIdFilter, SecretRedactionFilter, request_id_var


def make_record(**extra):
    record = logging.LogRecord("scim", logging.INFO, __file__, 1, "scim.person.created", (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    RequestIdFilter().filter(record)
    return record


def test_console_formatter_appends_extra_fields():
    line = ConsoleFormatter().format(make_record(organization_id="org-1", person_id="p-2"))

    assert line.endswith("scim.person.created organization_id=org-1 person_id=p-2 request_id=-")


def test_json_formatter_renames_fields():
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"message": "event", "asctime": "time", "levelname": "level", "name": "logger"},
    )
    token = request_id_var.set("abc123")
    try:
        data = json.loads(formatter.format(make_record(organization_id="org-1")))
    finally:
        request_id_var.reset(token)

    assert data["event"] == "scim.person.created"
    assert data["level"] == "INFO"
    assert data["organization_id"] == "org-1"
    assert data["request_id"] == "abc123"


@pytest.mark.django_db
def test_request_id_header_echoed_or_generated():
    echoed = Client().get("/", HTTP_X_REQUEST_ID="okta-req-42")
    generated = Client().get("/", HTTP_X_REQUEST_ID="bad id with spaces")

    assert echoed["X-Request-ID"] == "okta-req-42"
    assert len(generated["X-Request-ID"]) == 32


def test_secret_redaction_filter_hides_query_token():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', ("GET /Users?access_token=abc123 HTTP/1.1", 401, 99), None
    )

    SecretRedactionFilter().filter(record)

    assert record.getMessage() == '"GET /Users?access_token=[redacted] HTTP/1.1" 401 99'


def test_logged_request_shows_path_without_query():
    request = RequestFactory().get("/acme/identity_/api/scim/v2/Me", {"access_token": "abc123"})
    request.request_id = "req-7"
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Not Implemented: %s", (request.path,), None)
    record.request = request
    record.status_code = 501

    RequestIdFilter().filter(record)
    SecretRedactionFilter().filter(record)
    line = ConsoleFormatter().format(record)

    assert "abc123" not in line
    assert "request=GET /acme/identity_/api/scim/v2/Me" in line
    assert "request_id=req-7" in line


def test_development_server_log_goes_through_redaction(settings):
    # pytest adds capture handlers of its own to every logger, so look for the project's.
    handlers = logging.getLogger("django.server").handlers

    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["console"]
    assert "redact_secrets" in settings.LOGGING["handlers"]["console"]["filters"]
    assert any(isinstance(item, SecretRedactionFilter) for handler in handlers for item in handler.filters)
