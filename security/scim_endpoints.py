"""The absolute URLs an identity administrator copies into the identity provider.

They are built from PUBLIC_BASE_URL, never from the request's Host header.
"""

from django.conf import settings
from django.urls import reverse

from security.oauth.views import tenant_acr_value
from security.oauth_clients import SCIM_SCOPE


def scim_url(organization):
    return f"{settings.PUBLIC_BASE_URL}/{organization.id}/identity_/api/scim/v2"


def token_endpoint_url(organization):
    return settings.PUBLIC_BASE_URL + reverse("security:oauth_token", args=[organization.id])


def authorization_endpoint_url(organization):
    path = reverse("security:oauth_authorize", args=[organization.name])
    # Not urlencoded, so the value reads `tenantName:{organizationName}` as the
    # administrator documentation prints it; a colon is valid in a query (RFC 3986 §3.4).
    return f"{settings.PUBLIC_BASE_URL}{path}?scope={SCIM_SCOPE}&acr_values={tenant_acr_value(organization)}"
