"""Factory functions for test data, each call with unique values."""

import itertools

from accounts.administrators import create_administrator
from accounts.models import Group, Membership, Organization, Person

_sequence = itertools.count(1)

TEST_PASSWORD = "correct-horse-battery-staple"


def make_organization(*, plan=Organization.Plan.ENTERPRISE, name=None, display_name=None):
    number = next(_sequence)
    name = name or f"org-{number}"
    return Organization.create_with_builtin_groups(
        name=name, display_name=display_name or f"Organization {number}", plan=plan
    )


def make_person(organization, **fields):
    number = next(_sequence)
    defaults = {
        "user_name": f"person{number}@example.com",
        "email": f"person{number}@example.com",
        "first_name": "Pat",
        "last_name": f"Example{number}",
        "display_name": f"Pat Example{number}",
    }
    return Person.objects.create(organization=organization, **{**defaults, **fields})


def make_administrator(organization, *, user_name=None, password=TEST_PASSWORD):
    number = next(_sequence)
    user_name = user_name or f"admin{number}@example.com"
    return create_administrator(organization, user_name=user_name, email=user_name, password=password)


def make_member(organization, *, password=TEST_PASSWORD):
    """Create a person who can sign in but is not an administrator."""
    person = make_administrator(organization, password=password)
    Membership.objects.filter(person=person).delete()
    return person


def make_group(organization, *, name=None, kind=Group.Kind.DIRECTORY, members=()):
    group = Group.objects.create(organization=organization, name=name or f"Group {next(_sequence)}", kind=kind)
    Membership.objects.bulk_create([Membership(group=group, person=person) for person in members])
    return group


_saml_certificate_pem = None


def activate_saml_sso(organization):
    """Give the organization an Active SAML configuration, the prerequisite of Enable SCIM."""
    import tempfile
    from pathlib import Path

    from sso.models import SamlConfiguration
    from tests.sso.identity_provider import make_certificate

    global _saml_certificate_pem
    if _saml_certificate_pem is None:
        with tempfile.TemporaryDirectory() as directory:
            _, _, _saml_certificate_pem = make_certificate(Path(directory))
    return SamlConfiguration.objects.create(
        organization=organization,
        idp_entity_id="http://www.okta.com/exk-test",
        idp_sso_url="https://example.okta.com/app/test/sso/saml",
        idp_certificate=_saml_certificate_pem,
        status=SamlConfiguration.Status.ACTIVE,
    )
