from django.shortcuts import render

from accounts.access import organization_admin_required


@organization_admin_required
def security_page(request, organization, person):
    return render(
        request,
        "security/security.html",
        {"organization": organization, "section": "security", "scim_status_label": "Disabled"},
    )
