from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from accounts.access import organization_admin_required
from accounts.models import Person
from audit.models import AuditEvent
from audit.trail import record_audit_event
from security import connections
from security.bearer_tokens import TooManyLiveTokens, revoke_bearer_tokens
from security.bearer_tokens import issue_bearer_token as issue_token
from security.forms import BearerTokenForm, ScimMethodForm, expiry_from_choice
from security.models import EXPIRY_WARNING, ScimBearerToken, ScimConnection, ScimOAuthClient
from security.oauth_clients import regenerate_client_secret as regenerate_secret
from security.policy import scim_enable_blockers
from security.scim_endpoints import authorization_endpoint_url, scim_url, token_endpoint_url
from sso.status import saml_section


def scim_context(organization, person):
    """Return the template context of the SCIM part of the Security page."""
    connection = ScimConnection.objects.filter(organization=organization).first() or ScimConnection(
        organization=organization
    )
    oauth_client = ScimOAuthClient.objects.select_related("application").filter(
        organization=organization
    ).first()
    return {
        "organization": organization,
        "section": "security",
        "scim_connection": connection,
        "scim_blockers": scim_enable_blockers(organization, person),
        "scim_oauth_client": oauth_client,
        "scim_bearer_tokens": ScimBearerToken.objects.filter(organization=organization).live(),
        "scim_directory_people": Person.objects.filter(organization=organization, source=Person.Source.DIRECTORY).count(),
        "scim_endpoints": {
            "scim_url": scim_url(organization),
            "token_endpoint_url": token_endpoint_url(organization),
            "authorization_endpoint_url": authorization_endpoint_url(organization),
        },
        "expiry_warning_days": EXPIRY_WARNING.days,
    }


@organization_admin_required
def security_page(request, organization, person):
    return render(
        request, "security/security.html", {**scim_context(organization, person), "saml": saml_section(organization)}
    )


@organization_admin_required
@sensitive_variables("credentials")
def enable_scim(request, organization, person):
    """Show the Enable SCIM wizard; Configure renders the new credentials once, in its response."""
    blockers = scim_enable_blockers(organization, person)
    if blockers:
        return render(request, "security/scim_blocked.html", {**scim_context(organization, person)}, status=403)
    connection = connections.connection_of(organization)
    initial = {"method": connection.method or ScimConnection.Method.OAUTH_AUTHORIZATION_CODE, "redirect_url": connection.redirect_url}
    form = ScimMethodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        previous_method = connection.method if connection.status != ScimConnection.Status.DISABLED else ""
        credentials = connections.configure(
            organization,
            method=form.cleaned_data["method"],
            configured_by=person,
            redirect_url=form.cleaned_data["redirect_url"],
            bearer_expires_at=expiry_from_choice(form.cleaned_data["bearer_token_expiry"]),
        )
        method = form.cleaned_data["method"]
        if previous_method:
            record_audit_event(
                organization, AuditEvent.Action.SCIM_METHOD_CHANGED, request=request, actor=person,
                changes={"from": previous_method, "to": method},
            )
        else:
            record_audit_event(
                organization, AuditEvent.Action.SCIM_ENABLED, request=request, actor=person, changes={"method": method}
            )
        for label in credentials.revoked:
            record_audit_event(
                organization, AuditEvent.Action.CREDENTIAL_REVOKED, request=request, actor=person, target=label
            )
        audit_credentials_issued(request, organization, person, credentials)
        return render_credentials(request, organization, person, credentials)
    return render(request, "security/scim_enable.html", {**scim_context(organization, person), "form": form})


def audit_credentials_issued(request, organization, person, credentials, *, action=AuditEvent.Action.CREDENTIAL_ISSUED):
    """Record new credentials by their public half: the token prefix or the client id."""
    if credentials.bearer_token is not None:
        target = f"bearer token {credentials.bearer_token.prefix}"
        expires_at = credentials.bearer_token.expires_at
        changes = {"expires_at": expires_at.isoformat() if expires_at else "never"}
    else:
        target, changes = f"OAuth client {credentials.client_id}", {}
    record_audit_event(organization, action, request=request, actor=person, target=target, changes=changes)


def render_credentials(request, organization, person, credentials):
    context = {**scim_context(organization, person), "credentials": credentials}
    response = render(request, "security/scim_credentials.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@organization_admin_required
def confirm_scim(request, organization, person):
    try:
        connections.confirm(organization)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        record_audit_event(organization, AuditEvent.Action.SCIM_CONFIRMED, request=request, actor=person)
        messages.success(request, "SCIM User Sync is enabled.")
    return redirect("security:security", organization.name)


@organization_admin_required
def manage_scim(request, organization, person):
    connection = connections.connection_of(organization)
    if connection.status == ScimConnection.Status.DISABLED:
        return redirect("security:security", organization.name)
    method_form = ScimMethodForm(initial={"method": connection.method, "redirect_url": connection.redirect_url})
    return render(
        request,
        "security/scim_manage.html",
        {**scim_context(organization, person), "method_form": method_form, "token_form": BearerTokenForm()},
    )


@require_POST
@organization_admin_required
@sensitive_variables("raw_secret", "credentials")
def regenerate_client_secret(request, organization, person):
    """Replace the OAuth client secret and revoke the tokens issued with the old one."""
    oauth_client = ScimOAuthClient.objects.select_related("application").filter(organization=organization).first()
    if oauth_client is None:
        raise Http404("The organization has no SCIM OAuth client.")
    raw_secret = regenerate_secret(organization)
    credentials = connections.IssuedCredentials(client_id=oauth_client.application.client_id, client_secret=raw_secret)
    audit_credentials_issued(request, organization, person, credentials, action=AuditEvent.Action.CREDENTIAL_REGENERATED)
    return render_credentials(request, organization, person, credentials)


@require_POST
@organization_admin_required
@sensitive_variables("raw_token", "credentials")
def issue_bearer_token(request, organization, person):
    """Issue another bearer token; the previous one stays valid until it is revoked."""
    connection = connections.connection_of(organization)
    form = BearerTokenForm(request.POST)
    if connection.method != ScimConnection.Method.BEARER_TOKEN or not form.is_valid():
        messages.error(request, "Choose the long-lived bearer token method and a valid expiry first.")
        return redirect("security:manage_scim", organization.name)
    try:
        token, raw_token = issue_token(
            organization, created_by=person, expires_at=expiry_from_choice(form.cleaned_data["expiry"])
        )
    except TooManyLiveTokens:
        messages.error(request, "Two bearer tokens are live already. Revoke the one you no longer use, then issue a new one.")
        return redirect("security:manage_scim", organization.name)
    credentials = connections.IssuedCredentials(bearer_token=token, raw_bearer_token=raw_token)
    audit_credentials_issued(request, organization, person, credentials)
    return render_credentials(request, organization, person, credentials)


@require_POST
@organization_admin_required
def revoke_bearer_token(request, organization, person, prefix):
    if revoke_bearer_tokens(organization, prefix=prefix) == 0:
        raise Http404("No live bearer token has this prefix.")
    record_audit_event(
        organization, AuditEvent.Action.CREDENTIAL_REVOKED, request=request, actor=person, target=f"bearer token {prefix}"
    )
    messages.success(request, f"The bearer token {prefix}… is revoked.")
    return redirect("security:manage_scim", organization.name)


@require_POST
@organization_admin_required
def remove_scim(request, organization, person):
    """Revoke every SCIM credential of the organization; provisioned people stay as they are."""
    revoked_tokens = connections.disable(organization)
    record_audit_event(
        organization,
        AuditEvent.Action.SCIM_REMOVED,
        request=request,
        actor=person,
        changes={"bearer_tokens_revoked": revoked_tokens, "oauth_client_deleted": True},
    )
    messages.success(request, "SCIM User Sync is removed. Every token and client secret is revoked.")
    return redirect("security:security", organization.name)
