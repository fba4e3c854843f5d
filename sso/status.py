"""Whether an organization's SAML single sign-on is working, for other apps to check."""

from sso.certificates import summarize_certificate
from sso.models import SamlConfiguration
from sso.saml import EMAIL_CLAIM, service_provider_urls


def saml_sso_is_active(organization):
    """Return True when the organization has a SAML configuration with status Active.

    Enabling SCIM User Sync requires this: people that SCIM provisions can sign in
    only through single sign-on.
    """
    return SamlConfiguration.objects.filter(organization=organization, status=SamlConfiguration.Status.ACTIVE).exists()


def saml_section(organization):
    """Return what the Security page's SAML section shows: status, values to copy, certificate."""
    configuration = SamlConfiguration.objects.filter(organization=organization).first()
    return {
        "configuration": configuration,
        "status_label": (
            configuration.get_status_display() if configuration else SamlConfiguration.NOT_CONFIGURED_LABEL
        ),
        "urls": service_provider_urls(organization),
        "name_id_format": "EmailAddress",
        "email_claim": EMAIL_CLAIM,
        "certificate": summarize_certificate(configuration.idp_certificate) if configuration else None,
    }
