"""The OAuth 2.0 authorization server of SCIM, at organization-scoped URLs, on django-oauth-toolkit."""
