import pytest

from tests.factories import activate_saml_sso, make_organization


@pytest.fixture
def organization(db):
    """An Enterprise organization whose SAML single sign-on is Active, so SCIM can be enabled."""
    organization = make_organization()
    activate_saml_sso(organization)
    return organization
