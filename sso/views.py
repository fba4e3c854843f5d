import logging

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.access import organization_admin_required
from accounts.models import Organization
from audit.models import AuditEvent
from audit.trail import record_audit_event
from sso import linking, saml
from sso.forms import SamlConfigurationForm
from sso.models import SamlConfiguration
from sso.status import saml_section

logger = logging.getLogger(__name__)

# Failure reasons that get their own page. Every other reason shows the generic one.
FAILURE_TEMPLATES = {
    "person_inactive": "sso/failed_inactive.html",
    # Trying again cannot help with these: an administrator has to assign or link the person.
    "unknown_person": "sso/failed_not_assigned.html",
    "linked_to_other_identity": "sso/failed_not_assigned.html",
    "ambiguous_email": "sso/failed_not_assigned.html",
}


@organization_admin_required
def saml_settings(request, organization, person):
    configuration = SamlConfiguration.objects.filter(organization=organization).first()
    initial = {}
    if configuration is not None:
        initial = {
            "idp_entity_id": configuration.idp_entity_id,
            "idp_sso_url": configuration.idp_sso_url,
            "idp_certificate": configuration.idp_certificate,
        }
    if request.method == "POST":
        form = SamlConfigurationForm(request.POST, request.FILES)
    else:
        form = SamlConfigurationForm(initial=initial)
    if form.is_bound and form.is_valid():
        configuration = form.save(organization, person)
        record_audit_event(
            organization,
            AuditEvent.Action.SAML_CONFIGURED,
            request=request,
            actor=person,
            target=configuration.idp_entity_id,
            changes={"idp_entity_id": configuration.idp_entity_id, "idp_sso_url": configuration.idp_sso_url},
        )
        messages.success(request, "SAML single sign-on settings saved.")
        return redirect("security:security", organization.name)
    return render(
        request,
        "sso/saml_settings.html",
        {"organization": organization, "form": form, "saml": saml_section(organization), "section": "security"},
    )


@require_POST
@organization_admin_required
def activate(request, organization, person):
    configuration = get_object_or_404(SamlConfiguration, organization=organization)
    configuration.activate(person)
    record_audit_event(organization, AuditEvent.Action.SAML_ACTIVATED, request=request, actor=person)
    messages.success(request, "SAML single sign-on is active.")
    return redirect("security:security", organization.name)


@require_POST
@organization_admin_required
def deactivate(request, organization, person):
    configuration = get_object_or_404(SamlConfiguration, organization=organization)
    configuration.deactivate(person)
    record_audit_event(organization, AuditEvent.Action.SAML_DEACTIVATED, request=request, actor=person)
    messages.success(request, "SAML single sign-on is inactive. People in the identity provider cannot sign in.")
    return redirect("security:security", organization.name)


@require_GET
def metadata(request, org_id):
    organization = get_object_or_404(Organization, id=org_id)
    return HttpResponse(saml.service_provider_metadata_xml(organization), content_type="application/samlmetadata+xml")


@require_GET
def sign_in(request, org_id):
    """Start service-provider-initiated sign-in: redirect to the identity provider with an AuthnRequest."""
    configuration = _active_configuration(org_id)
    if configuration is None:
        raise Http404("Single sign-on is not active for this organization.")
    next_url = request.GET.get("next", "")
    if not _is_safe_next(request, next_url):
        next_url = ""
    return redirect(saml.start_sign_in(configuration, next_url))


@csrf_exempt
@require_POST
def assertion_consumer_service(request, org_id):
    """Verify the SAMLResponse posted by the identity provider and sign the person in.

    Exempt from CSRF because the identity provider's page posts it cross-site
    (HTTP-POST binding). The signed, audience-bound, one-time assertion protects it.
    """
    organization = get_object_or_404(Organization, id=org_id)
    configuration = _active_configuration(org_id)
    try:
        if configuration is None:
            raise saml.SsoFailure("sso_not_active")
        assertion = saml.verify_response(configuration, request.POST.get("SAMLResponse", ""))
        person = linking.person_for_assertion(organization, assertion)
    except saml.SsoFailure as failure:
        return _sign_in_failed(request, organization, failure)

    login(request, person.user, backend="accounts.backends.OrganizationPersonBackend")
    logger.info(
        "saml_sign_in_succeeded organization=%s person=%s assertion_id=%s",
        organization.id,
        person.id,
        assertion.assertion_id,
    )
    if assertion.next_url and _is_safe_next(request, assertion.next_url):
        return redirect(assertion.next_url)
    return redirect("accounts:home", organization.name)


def _active_configuration(org_id):
    return (
        SamlConfiguration.objects.select_related("organization")
        .filter(organization_id=org_id, status=SamlConfiguration.Status.ACTIVE)
        .first()
    )


def _is_safe_next(request, url):
    return bool(url) and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


def _sign_in_failed(request, organization, failure):
    details = " ".join(f"{name}={value}" for name, value in sorted(failure.ids.items()))
    logger.warning("saml_sign_in_failed organization=%s reason=%s %s", organization.id, failure.reason, details)
    template = FAILURE_TEMPLATES.get(failure.reason, "sso/failed.html")
    return render(
        request,
        template,
        {"organization": organization, "login_url": reverse("accounts:login", args=[organization.name])},
        status=403,
    )
