"""The policy that decides whether a person may enable SCIM User Sync for an organization."""


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
    # NOTE: a working SAML single sign-on integration is also a prerequisite in the
    # admin guide; it joins this list once the portal has SAML SSO.
    return blockers
