from django.shortcuts import render

from accounts.access import organization_admin_required
from sso.status import saml_section


@organization_admin_required
def security_page(request, organization, person):
    return render(
        request,
        "security/security.html",
        {"organization": organization, "section": "security", "scim_status_label": "Disabled", "saml": saml_section(organization)},
    )
