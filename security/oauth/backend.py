"""Carry the organization of the endpoint URL into django-oauth-toolkit's oauthlib request."""

from oauth2_provider.oauth2_backends import OAuthLibCore

# Key of the organization id among the oauthlib request headers. Headers sent by a
# client arrive in request.META as HTTP_*, so a client cannot set this key.
ORGANIZATION_HEADER = "Identity-Organization-Id"


class OrganizationOAuthLibCore(OAuthLibCore):
    """OAuthLibCore that passes the organization of the called endpoint to the validator.

    The authorize and token views set `request.oauth_organization`; requests without
    it (such as SCIM resource requests) carry no organization.
    """

    def extract_headers(self, request):
        headers = super().extract_headers(request)
        headers.pop(ORGANIZATION_HEADER, None)
        organization = getattr(request, "oauth_organization", None)
        if organization is not None:
            headers[ORGANIZATION_HEADER] = str(organization.id)
        return headers
