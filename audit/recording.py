"""Recording of every SCIM request as a ProvisioningEvent.

The SCIM layer may describe a request more precisely than its method and path by
setting attributes on the request: `scim_organization` (the Organization of the
URL), `scim_caller` (security.scim_access.ScimCaller) and `scim_activity`, a dict
with `operation`, `person_id` and `person_user_name`. Whatever it leaves unset is
inferred here without a query.
"""

import json
import logging
import re
import time

from django.core.exceptions import RequestDataTooBig
from django.utils import timezone

from accounts.models import Organization
from audit.activity_writer import activity_writer
from audit.models import ProvisioningEvent
from audit.redaction import redact_body, redact_text
from security.bearer_tokens import TOKEN_PATTERN
from security.scim_access import credential_from_header

logger = logging.getLogger(__name__)

SCIM_PATH = re.compile(
    r"^/(?P<organization_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"/identity_/api/scim/v2(?P<rest>/.*)?$"
)
RESOURCE_PATH = re.compile(r"^/(?P<resource>Users|Groups)(?:/(?P<id>[^/]+))?/?$")
DISCOVERY_RESOURCES = ("/ServiceProviderConfig", "/ResourceTypes", "/Schemas")


class ProvisioningActivityMiddleware:
    """Record each request under /{orgId}/identity_/api/scim/v2 once its response has been sent.

    The row is recorded when the server closes the response, which a WSGI server does
    once the response has been sent (PEP 3333), so the identity provider does not wait
    for it. It is built and saved then, or queued for the next batch
    (audit.activity_writer).
    Django's test client closes each response before returning it. A failure to
    record is logged and never changes the response.

    NOTE: a middleware listed before this one that returned another response object
    would drop the recording, because only this response carries it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = SCIM_PATH.match(request.path_info)
        if match is None:
            return self.get_response(request)
        path = request.get_full_path()
        try:
            request_body = request.body
        except RequestDataTooBig:
            # The view returns 413 itself, and the body is not kept.
            request_body = b"[body larger than DATA_UPLOAD_MAX_MEMORY_SIZE, not stored]"
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = int((time.perf_counter() - started) * 1000)
        # Taken here, because a batched row is built later on the writer's thread.
        occurred_at = timezone.now()

        def build():
            try:
                event = provisioning_event(request, response, match, path, request_body, duration_ms, occurred_at)
            except Exception:
                log_failure()
                return None
            if event is not None:
                event.request_id = getattr(request, "request_id", "-")
            return event

        def log_failure():
            logger.exception(
                "provisioning_activity.record_failed",
                extra={
                    "organization_id": match["organization_id"],
                    "status": response.status_code,
                    "request_id": getattr(request, "request_id", "-"),
                },
            )

        def record():
            writer = activity_writer()
            if writer is not None:
                # The writer's thread builds the row too, so the worker goes back to
                # serving requests at once.
                writer.add(build)
                return
            event = build()
            if event is None:
                return
            try:
                event.save(force_insert=True)
            except Exception:
                log_failure()

        # Django's HttpResponse.close() runs its _resource_closers before it sends
        # request_finished, which may close the database connection. The test of the
        # WSGI handler in tests/audit/test_recording.py fails if that changes.
        response._resource_closers.append(record)
        return response


def provisioning_event(request, response, match, path, request_body, duration_ms, occurred_at):
    """Return the unsaved ProvisioningEvent of one SCIM request, or None for an unknown organization."""
    organization = getattr(request, "scim_organization", None)
    if organization is None:
        organization = Organization.objects.filter(pk=match["organization_id"]).first()
        if organization is None:
            return None

    response_body = b"" if response.streaming else response.content
    # A successful list read (an import page of up to 200 people) names no person in
    # its body, so that body is not parsed.
    resource = RESOURCE_PATH.match(match["rest"] or "/")
    is_list_read = request.method == "GET" and response.status_code < 400 and resource is not None and not resource["id"]
    response_data = None if is_list_read else _json_or_none(response_body)
    request_data = _json_or_none(request_body)

    activity = getattr(request, "scim_activity", None) or {}
    inferred = infer_activity(request.method, match["rest"] or "/", request.GET, request_data, response_data)
    error = response_data if response.status_code >= 400 and isinstance(response_data, dict) else {}
    return ProvisioningEvent(
        organization=organization,
        occurred_at=occurred_at,
        client=client_label(request),
        method=request.method,
        path=storable(redact_text(path))[:1000],
        operation=activity.get("operation") or inferred["operation"],
        person_id=activity.get("person_id") or inferred["person_id"],
        person_user_name=storable(activity.get("person_user_name") or inferred["person_user_name"])[:255],
        group_id=activity.get("group_id"),
        group_display_name=storable(activity.get("group_display_name", ""))[:255],
        status=response.status_code,
        scim_type=storable(str(error.get("scimType", "")))[:32],
        detail=storable(str(error.get("detail", "")))[:1000],
        duration_ms=duration_ms,
        request_body=storable(redact_body(request_body)),
        response_body=storable(redact_body(response_body)),
    )


def storable(text):
    """Return `text` with each NUL character, which PostgreSQL text cannot store, as U+FFFD."""
    return text.replace("\x00", "\ufffd")


def client_label(request):
    """Return the OAuth client id or bearer token prefix of the request, never a secret."""
    caller = getattr(request, "scim_caller", None)
    if caller is not None:
        kind = "bearer token" if caller.credential == "bearer_token" else "OAuth client"
        return f"{kind} {caller.client_label}"
    raw_token = credential_from_header(request.META.get("HTTP_AUTHORIZATION"))
    if raw_token is None:
        return "no credentials"
    match = TOKEN_PATTERN.match(raw_token)
    if match is not None:
        return f"bearer token {match['prefix']} (rejected)"
    return "unrecognized token (rejected)"


def infer_activity(method, rest, query, request_data, response_data):
    """Return the operation and person of a SCIM request from its method, path and bodies."""
    person_id = None
    person_user_name = ""
    resource = RESOURCE_PATH.match(rest)
    if resource is None:
        operation = (
            ProvisioningEvent.Operation.DISCOVERY if rest.startswith(DISCOVERY_RESOURCES) else ProvisioningEvent.Operation.OTHER
        )
        return {"operation": operation, "person_id": None, "person_user_name": ""}

    if resource["resource"] == "Groups":
        operation = ProvisioningEvent.Operation.LOOKUP if method == "GET" else ProvisioningEvent.Operation.GROUP
        return {"operation": operation, "person_id": None, "person_user_name": ""}

    if resource["id"]:
        person_id = _uuid_or_none(resource["id"])
    if isinstance(response_data, dict) and response_data.get("id") and "userName" in response_data:
        person_id = person_id or _uuid_or_none(response_data["id"])
        person_user_name = str(response_data.get("userName", ""))
    elif isinstance(request_data, dict) and request_data.get("userName"):
        person_user_name = str(request_data["userName"])

    if method == "POST":
        operation = ProvisioningEvent.Operation.CREATE
    elif method == "DELETE":
        operation = ProvisioningEvent.Operation.DELETE
    elif method in ("PUT", "PATCH"):
        operation = _update_kind(method, request_data)
    elif resource["id"] or "filter" in query:
        operation = ProvisioningEvent.Operation.LOOKUP
    else:
        operation = ProvisioningEvent.Operation.IMPORT_PAGE
    return {"operation": operation, "person_id": person_id, "person_user_name": person_user_name}


def _update_kind(method, request_data):
    """Classify a PUT or PATCH: a PATCH that only sets `active` (de)activates."""
    if method == "PATCH" and isinstance(request_data, dict):
        changes = {}
        for operation in request_data.get("Operations") or []:
            if not isinstance(operation, dict):
                continue
            if isinstance(operation.get("value"), dict) and not operation.get("path"):
                changes.update({str(key).lower(): value for key, value in operation["value"].items()})
            elif operation.get("path"):
                changes[str(operation["path"]).lower()] = operation.get("value")
        if set(changes) == {"active"}:
            active = changes["active"]
            if isinstance(active, str):
                active = active.lower() == "true"
            return ProvisioningEvent.Operation.REACTIVATE if active else ProvisioningEvent.Operation.DEACTIVATE
    if method == "PUT" and isinstance(request_data, dict) and request_data.get("active") in (False, "False", "false"):
        return ProvisioningEvent.Operation.DEACTIVATE
    return ProvisioningEvent.Operation.UPDATE


def _json_or_none(raw):
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
