import pytest
from django.test import Client
from django.urls import reverse

from sso.models import SamlConfiguration
from sso.saml import service_provider_metadata_xml, service_provider_urls
from tests.sso.identity_provider import TestIdentityProvider


@pytest.fixture
def identity_provider(organization, tmp_path):
    return TestIdentityProvider(tmp_path, service_provider_metadata_xml(organization))


@pytest.fixture
def saml_configuration(organization, identity_provider, administrator):
    configuration = SamlConfiguration.objects.create(
        organization=organization,
        idp_entity_id=identity_provider.entity_id,
        idp_sso_url=identity_provider.sso_url,
        idp_certificate=identity_provider.certificate_pem,
    )
    configuration.activate(administrator)
    return configuration


@pytest.fixture
def sp_urls(organization):
    return service_provider_urls(organization)


@pytest.fixture
def post_response(organization):
    """Post a SAMLResponse to the organization's Assertion Consumer Service with a new browser."""

    def post(xml_text, client=None):
        client = client or Client()
        return client.post(
            reverse("sso:acs", args=[organization.id]), {"SAMLResponse": TestIdentityProvider.encode(xml_text)}
        )

    return post
