from django import template
from django.urls import reverse
from django.utils.http import urlencode

from sso.status import saml_sso_is_active

register = template.Library()


@register.inclusion_tag("sso/continue_with_sso.html")
def continue_with_sso(organization, next_url=""):
    """Render the "Continue with SSO" link when the organization's SAML sign-on is Active."""
    if not saml_sso_is_active(organization):
        return {"sign_in_url": None}
    url = reverse("sso:login", args=[organization.id])
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return {"sign_in_url": url}
