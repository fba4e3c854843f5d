"""SCIM 2.0 Groups of one organization, at /{orgId}/identity_/api/scim/v2/Groups.

The views share ScimView's authentication, media type check and error bodies.
PATCH returns 204 without a body, which RFC 7644 §3.5.2 allows and which spares
sending the member list, or 200 with the group when the request names
`attributes` or `excludedAttributes`.
"""

from django.http import HttpResponse
from django_scim import views as django_scim_views
from django_scim.constants import SCIM_CONTENT_TYPE, SchemaURI

from accounts.models import Person
from scim import discovery, group_services, versions
from scim.adapters import ScimPerson
from scim.attributes import parse_attribute_list, project
from scim.errors import InvalidFilter, InvalidValue, MethodNotAllowed
from scim.filters import PersonFilter
from scim.group_filters import GROUP_URN, group_filter_to_q
from scim.groups import ScimGroup, directory_groups, members_by_group
from scim.paging import page_and_total
from scim.views import COLLECTION_METHODS, ITEM_METHODS, ScimView, list_parameters, page_bounds, scim_response


def includes_members(attributes, excluded_attributes):
    """Return whether a response projected by these parameters contains `members`."""
    if attributes:
        return any(urn is None and (attribute or "").lower() == "members" for urn, attribute, _ in attributes)
    return not any(
        urn is None and (attribute or "").lower() == "members" and sub_attribute is None
        for urn, attribute, sub_attribute in excluded_attributes
    )


def requests_member_display(attributes):
    """Return whether `attributes` names members or members.display, so display is returned."""
    return any(
        urn is None and (attribute or "").lower() == "members" and (sub_attribute or "display").lower() == "display"
        for urn, attribute, sub_attribute in attributes
    )


def group_resources(groups, request, attributes, excluded_attributes):
    """Return the projected SCIM documents of `groups`, loading members in one query when returned."""
    members = members_by_group(groups) if includes_members(attributes, excluded_attributes) else {}
    member_display = requests_member_display(attributes)
    return [
        project(
            ScimGroup(group, request, members=members.get(group.id), member_display=member_display).to_dict(),
            attributes,
            excluded_attributes,
        )
        for group in groups
    ]


def parse_group_attribute_list(value):
    """Return scim.attributes.parse_attribute_list of `value`, reading Group URN-prefixed names too."""
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list):
        value = [_strip_group_urn(item) if isinstance(item, str) else item for item in value]
    return parse_attribute_list(value)


def _strip_group_urn(path):
    prefix = GROUP_URN.lower() + ":"
    path = path.strip()
    return path[len(prefix) :] if path.lower().startswith(prefix) else path


class GroupListMixin:
    """Paged, filtered and projected lists of the organization's directory groups."""

    def query_parameters(self, source):
        return list_parameters(source, parse_group_attribute_list)

    def list_groups(self, parameters):
        start_index, count = page_bounds(parameters["startIndex"], parameters["count"])
        groups = directory_groups(self.organization)
        if parameters["filter"]:
            groups = groups.filter(group_filter_to_q(parameters["filter"]))
        # Creation order keeps earlier pages unchanged while groups are added.
        groups = groups.order_by("created_at", "id")
        page, total_results = page_and_total(groups, start_index, count)
        resources = group_resources(page, self.request, parameters["attributes"], parameters["excludedAttributes"])
        return scim_response(discovery.list_response(resources, total_results=total_results, start_index=start_index))


class GroupsView(GroupListMixin, ScimView, django_scim_views.GroupsView):
    http_method_names = ["get", "post", "put", "patch", "delete"]
    serves_collection_and_items = True

    def projected(self, group, *, status=200):
        attributes = parse_group_attribute_list(self.request.GET.get("attributes"))
        excluded = parse_group_attribute_list(self.request.GET.get("excludedAttributes"))
        (resource,) = group_resources([group], self.request, attributes, excluded)
        response = scim_response(resource, status=status, location=ScimGroup(group).location)
        response["ETag"] = versions.etag(group)
        return response

    def get(self, request, uuid=None):
        if uuid is None:
            return self.list_groups(self.query_parameters(request.GET))
        group = group_services.find_group(self.organization, uuid)
        _describe_activity(request, "lookup", group)
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None and versions.matches(group, if_none_match):
            return _no_content(group, status=304)
        return self.projected(group)

    def post(self, request, uuid=None):
        if uuid is not None:
            raise MethodNotAllowed("POST is allowed only on /Groups.", allow=ITEM_METHODS)
        group = group_services.create_group(self.organization, self.load_body(request.body))
        _describe_activity(request, "group", group)
        return self.projected(group, status=201)

    def put(self, request, uuid=None):
        group = group_services.replace_group(
            self.organization,
            self._id(uuid, "PUT"),
            self.load_body(request.body),
            if_match=request.headers.get("If-Match"),
        )
        _describe_activity(request, "group", group)
        return self.projected(group)

    def patch(self, request, uuid=None):
        group_id = self._id(uuid, "PATCH")
        body = self.load_body(request.body)
        group = group_services.patch_group(
            self.organization,
            group_id,
            body.get("Operations"),
            if_match=request.headers.get("If-Match"),
        )
        _describe_activity(request, "group", group)
        if "attributes" in request.GET or "excludedAttributes" in request.GET:
            return self.projected(group)
        return _no_content(group, status=204)

    def delete(self, request, uuid=None):
        group = group_services.delete_group(
            self.organization, self._id(uuid, "DELETE"), if_match=request.headers.get("If-Match")
        )
        _describe_activity(request, "group", group)
        return HttpResponse(status=204, content_type=SCIM_CONTENT_TYPE)

    def _id(self, uuid, method):
        if uuid is None:
            raise MethodNotAllowed(f"{method} is allowed only on /Groups/{{id}}.", allow=COLLECTION_METHODS)
        return uuid


def _describe_activity(request, operation, group):
    """Name the group in the request's provisioning activity record."""
    request.scim_activity = {"operation": operation, "group_id": group.id, "group_display_name": group.name}


def _no_content(group, *, status):
    """Return a 204 or 304 response without a body, carrying the group's ETag."""
    response = HttpResponse(status=status, content_type=SCIM_CONTENT_TYPE)
    response["ETag"] = versions.etag(group)
    return response


class GroupSearchView(GroupListMixin, ScimView, django_scim_views.SearchView):
    """POST /Groups/.search (RFC 7644 §3.4.3)."""

    http_method_names = ["post"]

    def post(self, request):
        body = self.load_body(request.body)
        if SchemaURI.SERACH_REQUEST not in (body.get("schemas") or []):
            raise InvalidValue(f"A search request needs the schema {SchemaURI.SERACH_REQUEST}.")
        return self.list_groups(self.query_parameters(body))


class RootSearchView(ScimView, django_scim_views.SearchView):
    """POST /.search over Users and Groups (RFC 7644 §3.4.3).

    Results list the people first, then the directory groups, each in creation
    order, and are paged over that sequence. A filter that names an attribute one
    resource type lacks matches nothing of that type. It is an error only when
    neither type can evaluate it.
    """

    http_method_names = ["post"]

    def post(self, request):
        body = self.load_body(request.body)
        if SchemaURI.SERACH_REQUEST not in (body.get("schemas") or []):
            raise InvalidValue(f"A search request needs the schema {SchemaURI.SERACH_REQUEST}.")
        start_index, count = page_bounds(body.get("startIndex"), body.get("count"))
        attributes = parse_attribute_list(body.get("attributes"))
        excluded = parse_attribute_list(body.get("excludedAttributes"))
        people, groups = self._filtered(body.get("filter"))

        people_total, groups_total = people.count(), groups.count()
        first, last = start_index - 1, start_index - 1 + count
        page_people = list(people[min(first, people_total) : min(last, people_total)])
        group_first = max(first - people_total, 0)
        page_groups = list(groups[group_first : max(last - people_total, group_first)])

        resources = [
            project(ScimPerson(person, request).to_dict(), attributes, excluded) for person in page_people
        ] + group_resources(page_groups, request, attributes, excluded)
        total_results = people_total + groups_total
        return scim_response(discovery.list_response(resources, total_results=total_results, start_index=start_index))

    def _filtered(self, filter_text):
        people = Person.objects.filter(organization=self.organization).order_by("created_at", "id")
        groups = directory_groups(self.organization).order_by("created_at", "id")
        if not filter_text:
            return people, groups
        errors = []
        try:
            people = people.filter(PersonFilter.to_q(filter_text))
        except InvalidFilter as error:
            errors.append(error)
            people = people.none()
        try:
            groups = groups.filter(group_filter_to_q(filter_text))
        except InvalidFilter as error:
            errors.append(error)
            groups = groups.none()
        if len(errors) == 2:
            raise errors[0]
        return people, groups
