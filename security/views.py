from django.shortcuts import render

from accounts.access import organization_admin_required
from security.models import ScimConnection
from sso.status import saml_section


@organization_admin_required
def security_page(request, organization, person):
    connection = ScimConnection.objects.filter(organization=organization).first() or ScimConnection(
        organization=organization
    )
    return render(
        request,
        "security/security.html",
        {
            "organization": organization,
            "section": "security",
            "scim_connection": connection,
            "saml": saml_section(organization),
        },
    )
