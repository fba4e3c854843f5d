"""A stand-in SCIM endpoint for testing the recorder in isolation from the SCIM views."""

import json

from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def users(request, organization_id, person_id=None):
    if request.headers.get("Authorization") != "Bearer good":
        body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "401", "detail": "Invalid token."}
        return HttpResponse(json.dumps(body), status=401, content_type="application/scim+json")
    if request.method == "POST":
        data = json.loads(request.body)
        if data["userName"] == "taken@example.com":
            body = {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "409",
                "scimType": "uniqueness",
                "detail": "userName is already taken.",
            }
            return HttpResponse(json.dumps(body), status=409, content_type="application/scim+json")
        body = {"id": "6f1c4b9e-1f37-4c4e-9a57-0d9f2f3c1a10", "userName": data["userName"], "active": True}
        return HttpResponse(json.dumps(body), status=201, content_type="application/scim+json")
    return HttpResponse(json.dumps({"totalResults": 0, "Resources": []}), content_type="application/scim+json")


urlpatterns = [
    re_path(r"^(?P<organization_id>[0-9a-f-]{36})/identity_/api/scim/v2/Users$", users),
    re_path(r"^(?P<organization_id>[0-9a-f-]{36})/identity_/api/scim/v2/Users/(?P<person_id>[^/]+)$", users),
    path("", include("uipath_identity.urls")),
]
