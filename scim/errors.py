"""SCIM error responses (RFC 7644 §3.12).

django-scim2 0.23 renders `status` as a JSON number and sets `scimType` only for
`noTarget`. ScimError subclasses its SCIMException, so every error this service
raises carries `status` as a string and the `scimType` that RFC 7644 §3.12
defines for it. `error_response` renders any SCIMException in that shape, the
package's own included.
"""

import json

from django.http import HttpResponse
from django_scim import exceptions as django_scim_exceptions
from django_scim.constants import SCIM_CONTENT_TYPE, SchemaURI


class ScimError(django_scim_exceptions.SCIMException):
    status = 400
    scim_type = None

    def __init__(self, detail, *, status=None, scim_type=None):
        super().__init__(detail, status=status, scim_type=scim_type)

    def to_dict(self):
        body = {"schemas": [SchemaURI.ERROR], "status": str(self.status), "detail": self.detail}
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


class InvalidFilter(ScimError):
    scim_type = "invalidFilter"


class InvalidSyntax(ScimError):
    scim_type = "invalidSyntax"


class InvalidPath(ScimError):
    scim_type = "invalidPath"


class InvalidValue(ScimError):
    scim_type = "invalidValue"


class NoTarget(ScimError):
    scim_type = "noTarget"


class Uniqueness(ScimError):
    status = 409
    scim_type = "uniqueness"


class Mutability(ScimError):
    scim_type = "mutability"


class TooMany(ScimError):
    scim_type = "tooMany"


class Unauthorized(ScimError):
    status = 401


class NotFound(ScimError):
    status = 404


class MethodNotAllowed(ScimError):
    """405, with the methods the resource allows for the Allow header (RFC 9110 §15.5.6)."""

    status = 405

    def __init__(self, detail, *, allow):
        super().__init__(detail)
        self.allow = allow


class PreconditionFailed(ScimError):
    status = 412


class PayloadTooLarge(ScimError):
    status = 413


class UnsupportedMediaType(ScimError):
    status = 415


class NotImplementedFeature(ScimError):
    status = 501


class InternalError(ScimError):
    status = 500


def error_response(error):
    """Return the SCIM error body of a SCIMException as an HttpResponse."""
    if isinstance(error, ScimError):
        body = error.to_dict()
    else:
        body = ScimError(error.detail, status=error.status, scim_type=error.scim_type).to_dict()
    response = HttpResponse(json.dumps(body), status=int(error.status), content_type=SCIM_CONTENT_TYPE)
    if isinstance(error, Unauthorized):
        response["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    if isinstance(error, MethodNotAllowed):
        response["Allow"] = ", ".join(error.allow)
    return response
