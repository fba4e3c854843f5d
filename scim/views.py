"""SCIM 2.0 endpoints of one organization, at /{orgId}/identity_/api/scim/v2.

The views subclass django-scim2's. ScimView.dispatch replaces SCIMView.dispatch in
this one place because the package's version does not fit this service. Its
authentication receives only request.user, so a browser session would pass, and
never the organization in the URL. Its 401 and 405 responses have no SCIM body,
and its errors carry `status` as a number. Here every request, discovery
included, is authenticated with a bearer token of the organization in the URL
before anything else, and every error is a SCIM error body.
"""

import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django_scim import views as django_scim_views
from django_scim.constants import SCIM_CONTENT_TYPE, SchemaURI
from django_scim.exceptions import SCIMException

from accounts.models import Person
from audit.recording import client_label
from scim import discovery, services, versions
from scim.adapters import ScimPerson
from scim.attributes import parse_attribute_list, project
from scim.errors import (
    InternalError,
    InvalidSyntax,
    InvalidValue,
    MethodNotAllowed,
    NotFound,
    NotImplementedFeature,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    error_response,
)
from scim.filters import PersonFilter
from scim.lookups import find_by_unique_attribute, joined_person_read, unique_attribute_equality
from scim.paging import page_and_total
from security.scim_access import authenticate_scim_request

logger = logging.getLogger("scim")

DEFAULT_COUNT = 100
# Methods of /Users and /Groups (the collections) and of /Users/{id} and /Groups/{id} (the items).
COLLECTION_METHODS = ["GET", "POST"]
ITEM_METHODS = ["GET", "PUT", "PATCH", "DELETE"]


def scim_response(document, *, status=200, location=None):
    response = HttpResponse(json.dumps(document), status=status, content_type=SCIM_CONTENT_TYPE)
    if location:
        response["Location"] = location
    return response


def authenticated_organization(request, organization_id, joined_read=None):
    """Return the organization named in the URL if the request carries one of its tokens.

    The authenticated client is kept as request.scim_caller. A bearer token's query
    also runs `joined_read` (security.bearer_tokens.JoinedRead), if given.
    """
    caller = authenticate_scim_request(request, organization_id, joined_read=joined_read)
    if caller is None:
        logger.warning(
            "scim.authentication_rejected",
            extra={"organization_id": organization_id, "client": client_label(request)},
        )
        raise Unauthorized("A valid bearer token of this organization is required.")
    request.scim_caller = caller
    return caller.organization


@method_decorator(csrf_exempt, name="dispatch")
class ScimView(django_scim_views.SCIMView):
    http_method_names = ["get"]
    # True for /Users and /Groups, whose items allow other methods than the collection.
    serves_collection_and_items = False

    def dispatch(self, request, *args, organization_id, **kwargs):
        self.request, self.args, self.kwargs = request, args, kwargs
        try:
            self.joined_read = self.person_read_for_token_query(request, kwargs)
            self.organization = authenticated_organization(request, organization_id, self.joined_read)
            request.scim_organization = self.organization
            if request.method.lower() not in self.http_method_names:
                raise MethodNotAllowed(
                    f"{request.method} is not allowed on this endpoint.", allow=self.allowed_methods(kwargs)
                )
            if request.method in ("POST", "PUT", "PATCH") and request.body:
                _check_media_type(request)
            return getattr(self, request.method.lower())(request, *args, **kwargs)
        except SCIMException as error:
            return error_response(error)
        except RequestDataTooBig:
            return error_response(PayloadTooLarge("The request body is larger than the server accepts."))
        except Exception:
            logger.exception(
                "scim.request_failed", extra={"organization_id": organization_id, "method": request.method}
            )
            return error_response(InternalError("The server could not complete the SCIM request."))

    def person_read_for_token_query(self, request, url_kwargs):
        """Return the JoinedRead of the person this request will read first, or None.

        The bearer token check runs it in the token's query, which saves the request a
        query and a round trip. It must not raise, because it runs before authentication.
        """
        return None

    def allowed_methods(self, url_kwargs):
        """Return the methods of this endpoint for the Allow header of a 405."""
        if self.serves_collection_and_items:
            return ITEM_METHODS if url_kwargs.get("uuid") else COLLECTION_METHODS
        return [method.upper() for method in self.http_method_names]

    def load_body(self, body):
        try:
            document = json.loads(body.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise InvalidSyntax("The request body is not valid JSON.") from None
        if not isinstance(document, dict):
            raise InvalidSyntax("The request body must be a JSON object.")
        return document


def _check_media_type(request):
    """Accept application/scim+json, application/json and other JSON media types, any charset (RFC 7644 §3.1)."""
    media_type = request.content_type or ""
    if media_type and not (media_type.endswith("/json") or media_type.endswith("+json")):
        raise UnsupportedMediaType(f"The media type {media_type!r} is not supported; send application/scim+json.")


def list_parameters(source, parse_attributes):
    """Return the list parameters of RFC 7644 §3.4.2 from a query string or a SearchRequest body.

    `parse_attributes` reads the `attributes` and `excludedAttributes` lists of the
    resource type.
    """
    return {
        "filter": source.get("filter"),
        "startIndex": source.get("startIndex"),
        "count": source.get("count"),
        "attributes": parse_attributes(source.get("attributes")),
        "excludedAttributes": parse_attributes(source.get("excludedAttributes")),
    }


class UserListMixin:
    """Paged, filtered and projected lists of the organization's people."""

    def query_parameters(self, source):
        return list_parameters(source, parse_attribute_list)

    def list_people(self, parameters):
        start_index, count = page_bounds(parameters["startIndex"], parameters["count"])
        equality = unique_attribute_equality(parameters["filter"]) if start_index == 1 and count else None
        if equality is not None:
            page = find_by_unique_attribute(self.organization.id, *equality, joined_read=self.joined_read)
            total_results = len(page)
            if page:
                self.request.scim_activity = {"person_id": page[0].id, "person_user_name": page[0].user_name}
            elif equality[0] == "user_name":
                # Provisioning activity shows whom the identity provider looked for.
                self.request.scim_activity = {"person_user_name": equality[1]}
        else:
            people = Person.objects.filter(organization=self.organization)
            if parameters["filter"]:
                people = PersonFilter.search(parameters["filter"], self.request)
            # Creation order keeps earlier pages unchanged while people are added.
            people = people.order_by("created_at", "id")
            page, total_results = page_and_total(people, start_index, count)
        resources = [
            project(ScimPerson(person, self.request).to_dict(), parameters["attributes"], parameters["excludedAttributes"])
            for person in page
        ]
        return scim_response(discovery.list_response(resources, total_results=total_results, start_index=start_index))


def page_bounds(start_index, count):
    """Return (startIndex, count), clamped as RFC 7644 §3.4.2.4 specifies."""
    start_index = _integer(start_index, "startIndex", 1)
    count = _integer(count, "count", DEFAULT_COUNT)
    return max(start_index, 1), min(max(count, 0), discovery.MAX_RESULTS)


def _integer(value, name, default):
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidValue(f"{name} must be an integer.") from None


class UsersView(UserListMixin, ScimView, django_scim_views.UsersView):
    http_method_names = ["get", "post", "put", "patch", "delete"]
    serves_collection_and_items = True

    def person_read_for_token_query(self, request, url_kwargs):
        # GET, PUT and PATCH of /Users/{id} read the person by id. A lookup of
        # /Users by userName or externalId reads the one person it may find.
        person_id = url_kwargs.get("uuid")
        if person_id is not None:
            return joined_person_read("id", person_id) if request.method in ("GET", "PUT", "PATCH") else None
        if request.method == "GET":
            equality = unique_attribute_equality(request.GET.get("filter"))
            return joined_person_read(*equality) if equality is not None else None
        return None

    def projected(self, person, *, status=200):
        adapter = ScimPerson(person, self.request)
        attributes = parse_attribute_list(self.request.GET.get("attributes"))
        excluded = parse_attribute_list(self.request.GET.get("excludedAttributes"))
        response = scim_response(
            project(adapter.to_dict(), attributes, excluded), status=status, location=adapter.location
        )
        response["ETag"] = versions.etag(person)
        return response

    def get(self, request, uuid=None):
        if uuid is None:
            return self.list_people(self.query_parameters(request.GET))
        person = services.find_person(self.organization, uuid, joined_read=self.joined_read)
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None and versions.matches(person, if_none_match):
            response = HttpResponse(status=304, content_type=SCIM_CONTENT_TYPE)
            response["ETag"] = versions.etag(person)
            return response
        return self.projected(person)

    def post(self, request, uuid=None):
        if uuid is not None:
            raise MethodNotAllowed("POST is allowed only on /Users.", allow=ITEM_METHODS)
        person = services.create_person(self.organization, self.load_body(request.body))
        return self.projected(person, status=201)

    def put(self, request, uuid=None):
        person, operation = services.replace_person(
            self.organization,
            self._id(uuid, "PUT"),
            self.load_body(request.body),
            if_match=request.headers.get("If-Match"),
            joined_read=self.joined_read,
        )
        _describe_activity(request, operation, person)
        return self.projected(person)

    def patch(self, request, uuid=None):
        person_id = self._id(uuid, "PATCH")
        body = self.load_body(request.body)
        person, operation = services.patch_person(
            self.organization,
            person_id,
            body.get("Operations"),
            if_match=request.headers.get("If-Match"),
            joined_read=self.joined_read,
        )
        _describe_activity(request, operation, person)
        return self.projected(person)

    def delete(self, request, uuid=None):
        person = services.delete_person(
            self.organization,
            self._id(uuid, "DELETE"),
            if_match=request.headers.get("If-Match"),
            request=request,
            client_label=client_label(request),
        )
        _describe_activity(request, "delete", person)
        return HttpResponse(status=204, content_type=SCIM_CONTENT_TYPE)

    def _id(self, uuid, method):
        if uuid is None:
            raise MethodNotAllowed(f"{method} is allowed only on /Users/{{id}}.", allow=COLLECTION_METHODS)
        return uuid


def _describe_activity(request, operation, person):
    """Tell the provisioning activity recorder what the request did to whom."""
    request.scim_activity = {"operation": operation, "person_id": person.id, "person_user_name": person.user_name}


class SearchView(UserListMixin, ScimView, django_scim_views.SearchView):
    """POST /.search and POST /Users/.search (RFC 7644 §3.4.3); User is the only resource type."""

    http_method_names = ["post"]

    def post(self, request):
        body = self.load_body(request.body)
        if SchemaURI.SERACH_REQUEST not in (body.get("schemas") or []):
            raise InvalidValue(f"A search request needs the schema {SchemaURI.SERACH_REQUEST}.")
        return self.list_people(self.query_parameters(body))


class ServiceProviderConfigView(ScimView, django_scim_views.ServiceProviderConfigView):
    def get(self, request):
        return scim_response(discovery.service_provider_config(self.organization.id))


class ResourceTypesView(ScimView, django_scim_views.ResourceTypesView):
    def get(self, request, uuid=None):
        return _one_or_list(discovery.resource_types(self.organization.id), uuid, "resource type")


class SchemasView(ScimView, django_scim_views.SchemasView):
    def get(self, request, uuid=None):
        return _one_or_list(discovery.schemas(self.organization.id), uuid, "schema")


def _one_or_list(documents, document_id, kind):
    if document_id is None:
        return scim_response(discovery.list_response(list(documents.values())))
    if document_id not in documents:
        raise NotFound(f"No {kind} has this id.")
    return scim_response(documents[document_id])


class NotImplementedView(ScimView):
    """/Me and /Bulk are not served (RFC 7644 §3.2 allows 501)."""

    http_method_names = ["get", "post", "put", "patch", "delete"]

    def get(self, request, *args, **kwargs):
        raise NotImplementedFeature("This endpoint is not implemented by this service provider.")

    post = put = patch = delete = get


class UnknownEndpointView(ScimView):
    http_method_names = ["get", "post", "put", "patch", "delete"]

    def get(self, request, *args, **kwargs):
        raise NotFound("There is no SCIM endpoint at this path.")

    post = put = patch = delete = get
