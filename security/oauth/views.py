"""The OAuth 2.0 endpoints of SCIM (RFC 6749), at organization-scoped URLs.

`/{organizationName}/identity_/connect/authorize` and `/{orgId}/identity_/connect/token`
wrap django-oauth-toolkit's views. The organization of the URL travels to the
validator through OrganizationOAuthLibCore, which rejects clients of other
organizations.
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.views import AuthorizationView, TokenView
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError

from accounts.access import person_of
from accounts.models import Organization
from audit.models import AuditEvent
from audit.trail import record_audit_event
from security.redirect_urls import is_loopback_http_url


def tenant_acr_value(organization):
    """Return the `acr_values` entry that names the organization: `tenantName:{organizationName}`."""
    return f"tenantName:{organization.name}"


@method_decorator(xframe_options_deny, name="dispatch")
class OrganizationAuthorizationView(AuthorizationView):
    """Authorization endpoint (RFC 6749 §4.1.1) of one organization.

    Only an administrator of the organization can consent; anyone else is sent to
    the organization's sign-in page and back. `acr_values` must contain
    `tenantName:{organizationName}` of this organization, otherwise the client gets
    `invalid_request` at its redirect URI (RFC 6749 §4.1.2.1).
    """

    template_name = "security/oauth_authorize.html"

    def dispatch(self, request, org_name, *args, **kwargs):
        self.organization = get_object_or_404(Organization, name=org_name)
        request.oauth_organization = self.organization
        person = person_of(request, self.organization)
        self.person = person
        if person is None or not person.is_administrator():
            return redirect_to_login(
                request.get_full_path(), reverse("accounts:login", args=[self.organization.name])
            )
        return super().dispatch(request, *args, **kwargs)

    def names_this_organization(self, request):
        return tenant_acr_value(self.organization) in request.GET.get("acr_values", "").split()

    def get(self, request, *args, **kwargs):
        rejection = self.reject_wrong_tenant(request)
        if rejection is not None:
            return rejection
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # The consent form posts back to the URL of the GET request, which was checked then.
        if not self.names_this_organization(request):
            error = InvalidRequestError(description=f"acr_values must contain {tenant_acr_value(self.organization)}.")
            return self.render_to_response({"error": error, "organization": self.organization}, status=400)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("allow") and "code=" in response.get("Location", ""):
            record_audit_event(
                self.organization,
                AuditEvent.Action.OAUTH_CONSENT_GRANTED,
                request=self.request,
                actor=self.person,
                target=form.cleaned_data["client_id"],
                changes={"scope": form.cleaned_data.get("scope", "")},
            )
        return response

    def reject_wrong_tenant(self, request):
        """Return an error response unless `acr_values` names this organization, else None."""
        try:
            _scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        if self.names_this_organization(request):
            return None
        error = InvalidRequestError(
            description=f"acr_values must contain {tenant_acr_value(self.organization)}.",
            state=credentials.get("state"),
        )
        application = self.get_application(credentials["client_id"])
        return self.error_response(OAuthToolkitError(error=error, redirect_uri=credentials["redirect_uri"]), application)

    def get_application(self, client_id):
        return self.organization.scim_oauth_client.application

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organization": self.organization}

    def redirect(self, redirect_to, application):
        """Redirect to the client, allowing http only for a registered loopback redirect URL.

        The redirect URL was already matched exactly against the registered one, which
        the wizard accepts only as https or as http on localhost or 127.0.0.1.
        """
        allowed_schemes = ["https"]
        if application is not None and all(is_loopback_http_url(uri) for uri in application.redirect_uris.split()):
            allowed_schemes.append("http")
        return OAuth2ResponseRedirect(redirect_to, allowed_schemes)


# csrf_exempt again because overriding dispatch drops the decorator TokenView puts on
# its own dispatch; clients authenticate with their credentials, not a browser session.
@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(sensitive_post_parameters("client_secret", "code", "refresh_token", "code_verifier"), name="dispatch")
class OrganizationTokenView(TokenView):
    """Token endpoint (RFC 6749 §3.2) of one organization, addressed by its id."""

    def dispatch(self, request, org_id, *args, **kwargs):
        request.oauth_organization = get_object_or_404(Organization, id=org_id)
        response = super().dispatch(request, *args, **kwargs)
        # Errors that oauthlib raises before a grant handler runs (such as a query
        # string) come without a Content-Type; RFC 6749 §5.2 makes every body JSON.
        if response["Content-Type"].startswith("text/html"):
            response["Content-Type"] = "application/json"
        return response
