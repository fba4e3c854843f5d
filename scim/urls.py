"""SCIM URLs of an organization: /{orgId}/identity_/api/scim/v2/...

The patterns follow django_scim.urls, with this service's views and no trailing
slash, as Okta and Entra send them. The organization id is matched as a plain
string, so a malformed one still gets a SCIM 401 body.
"""

from django.urls import include, path, re_path

from scim import group_views, views

app_name = "scim"

scim_patterns = [
    re_path(r"^\.search$", group_views.RootSearchView.as_view(), name="search"),
    re_path(r"^Users/\.search$", views.SearchView.as_view(), name="users-search"),
    re_path(r"^Users(?:/(?P<uuid>[^/]+))?$", views.UsersView.as_view(), name="users"),
    re_path(r"^ServiceProviderConfig$", views.ServiceProviderConfigView.as_view(), name="service-provider-config"),
    re_path(r"^ResourceTypes(?:/(?P<uuid>[^/]+))?$", views.ResourceTypesView.as_view(), name="resource-types"),
    re_path(r"^Schemas(?:/(?P<uuid>[^/]+))?$", views.SchemasView.as_view(), name="schemas"),
    re_path(r"^Groups/\.search$", group_views.GroupSearchView.as_view(), name="groups-search"),
    re_path(r"^Groups(?:/(?P<uuid>[^/]+))?$", group_views.GroupsView.as_view(), name="groups"),
    re_path(r"^(?:Me|Bulk)$", views.NotImplementedView.as_view(), name="not-implemented"),
    re_path(r"^.*$", views.UnknownEndpointView.as_view(), name="unknown"),
]

urlpatterns = [
    path("<str:organization_id>/identity_/api/scim/v2/", include(scim_patterns)),
    path("<str:organization_id>/identity_/api/scim/v2", views.UnknownEndpointView.as_view(), name="root"),
]
