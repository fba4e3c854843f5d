"""The policy that decides whether a person may enable SCIM User Sync for an organization."""

from sso.status import saml_sso_is_active


def scim_enable_blockers(organization, person):
    """Return the prerequisites of Enable SCIM that are missing, as sentences for the page.

    An empty list means the person may enable SCIM.
    """
    blockers = []
    if not organization.has_enterprise_plan:
        blockers.append(
            f"SCIM User Sync needs an Enterprise or Enterprise Trial license; "
            f"{organization.display_name} is on the {organization.get_plan_display()} plan."
        )
    if not person.is_administrator():
        blockers.append("Only organization administrators can enable SCIM.")
    if not saml_sso_is_active(organization):
        blockers.append(
            "SCIM User Sync needs a working SAML single sign-on integration with the same identity "
            "provider: configure and activate SAML single sign-on first."
        )
    return blockers
