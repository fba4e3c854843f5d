import logging
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from sso.certificates import pem_body
from sso.forms import SamlConfigurationForm
from sso.models import SamlConfiguration
from sso.status import saml_sso_is_active
from tests.sso.identity_provider import make_certificate

pytestmark = pytest.mark.django_db

IDP_ENTITY_ID = "http://www.okta.example/exk1abcd"
IDP_SSO_URL = "https://acme.okta.example/app/acme_portal/exk1abcd/sso/saml"


@pytest.fixture
def certificate_pem(tmp_path):
    return make_certificate(tmp_path)[2]


def metadata_xml(certificate_pem, *, entity_id=IDP_ENTITY_ID, sso_url=IDP_SSO_URL, binding="HTTP-Redirect"):
    """Identity provider metadata shaped like Okta's, with one signing certificate."""
    entity_attribute = f' entityID="{entity_id}"' if entity_id is not None else ""
    service = (
        f'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}" Location="{sso_url}"/>'
        if sso_url is not None
        else ""
    )
    key = (
        '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>'
        f"<ds:X509Certificate>{pem_body(certificate_pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        if certificate_pem is not None
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"{entity_attribute}>'
        '<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        f"{key}<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>{service}"
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )


def settings_url(organization):
    return reverse("sso:settings", args=[organization.name])


def error_codes(form):
    return {field: [error.code for error in errors.as_data()] for field, errors in form.errors.items()}


# Access rules


def test_settings_page_for_administrator(organization, admin_client):
    response = admin_client.get(settings_url(organization))

    assert response.status_code == 200
    assert response.context["saml"]["urls"].acs_url == f"http://testserver/{organization.id}/identity_/saml/acs"


def test_settings_page_forbidden_for_member(organization, member_client, certificate_pem):
    assert member_client.get(settings_url(organization)).status_code == 403
    response = member_client.post(settings_url(organization), {"metadata_xml": metadata_xml(certificate_pem)})

    assert response.status_code == 403
    assert SamlConfiguration.objects.count() == 0


def test_settings_page_hidden_from_outsider(organization, outsider_client, certificate_pem):
    assert outsider_client.get(settings_url(organization)).status_code == 404
    response = outsider_client.post(settings_url(organization), {"metadata_xml": metadata_xml(certificate_pem)})

    assert response.status_code == 404
    assert SamlConfiguration.objects.count() == 0


def test_settings_page_redirects_anonymous_to_sign_in(organization):
    response = Client().get(settings_url(organization))

    assert response.status_code == 302
    assert response["Location"].startswith(f"/{organization.name}/login/")


@pytest.mark.parametrize("action", ["activate", "deactivate"])
def test_status_actions_forbidden_for_member(organization, member_client, certificate_pem, administrator, action):
    configuration = SamlConfiguration.objects.create(
        organization=organization, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )

    response = member_client.post(reverse(f"sso:{action}", args=[organization.name]))

    assert response.status_code == 403
    configuration.refresh_from_db()
    assert configuration.status == SamlConfiguration.Status.INACTIVE
    assert configuration.activated_at is None
    assert configuration.deactivated_at is None


@pytest.mark.parametrize("action", ["activate", "deactivate"])
def test_status_actions_hidden_from_outsider(organization, outsider_client, certificate_pem, action):
    SamlConfiguration.objects.create(
        organization=organization, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )

    response = outsider_client.post(reverse(f"sso:{action}", args=[organization.name]))

    assert response.status_code == 404
    assert SamlConfiguration.objects.get().status == SamlConfiguration.Status.INACTIVE


def test_security_page_shows_saml_section(organization, admin_client):
    response = admin_client.get(reverse("security:security", args=[organization.name]))

    assert response.status_code == 200
    content = response.content.decode()
    assert '<strong class="saml-status">Not configured</strong>' in content
    assert f"http://testserver/{organization.id}/identity_/saml/acs" in content
    assert f"http://testserver/{organization.id}/identity_/saml/metadata" in content
    assert "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" in content
    assert "Enabling SCIM User Sync requires SAML single sign-on to be Active." in content


def test_security_page_forbidden_for_member_and_outsider(organization, member_client, outsider_client):
    url = reverse("security:security", args=[organization.name])

    assert member_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 404


# Saving the identity provider's settings


def test_save_from_pasted_metadata(organization, administrator, admin_client, certificate_pem):
    response = admin_client.post(settings_url(organization), {"metadata_xml": metadata_xml(certificate_pem)})

    assert response.status_code == 302
    assert response["Location"] == reverse("security:security", args=[organization.name])
    configuration = SamlConfiguration.objects.get(organization=organization)
    assert configuration.idp_entity_id == IDP_ENTITY_ID
    assert configuration.idp_sso_url == IDP_SSO_URL
    assert pem_body(configuration.idp_certificate) == pem_body(certificate_pem)
    assert configuration.status == SamlConfiguration.Status.INACTIVE
    assert configuration.updated_by == administrator
    audit_row = AuditEvent.objects.get(organization=organization, action=AuditEvent.Action.SAML_CONFIGURED)
    assert audit_row.actor == administrator
    assert audit_row.changes == {"idp_entity_id": IDP_ENTITY_ID, "idp_sso_url": IDP_SSO_URL}


def test_save_from_uploaded_metadata(organization, admin_client, certificate_pem):
    upload = SimpleUploadedFile("metadata.xml", metadata_xml(certificate_pem).encode(), content_type="text/xml")

    response = admin_client.post(settings_url(organization), {"metadata_file": upload})

    assert response.status_code == 302
    assert SamlConfiguration.objects.get(organization=organization).idp_entity_id == IDP_ENTITY_ID


def test_save_from_fields_accepts_bare_base64(organization, admin_client, certificate_pem):
    response = admin_client.post(
        settings_url(organization),
        {"idp_entity_id": IDP_ENTITY_ID, "idp_sso_url": IDP_SSO_URL, "idp_certificate": pem_body(certificate_pem)},
    )

    assert response.status_code == 302
    configuration = SamlConfiguration.objects.get(organization=organization)
    assert configuration.idp_certificate.startswith("-----BEGIN CERTIFICATE-----\n")


def test_save_keeps_active_status(organization, administrator, admin_client, certificate_pem):
    configuration = SamlConfiguration.objects.create(
        organization=organization, idp_entity_id="old", idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )
    configuration.activate(administrator)

    admin_client.post(settings_url(organization), {"metadata_xml": metadata_xml(certificate_pem)})

    configuration.refresh_from_db()
    assert configuration.status == SamlConfiguration.Status.ACTIVE
    assert configuration.idp_entity_id == IDP_ENTITY_ID


def test_save_accepts_http_on_loopback(certificate_pem):
    form = SamlConfigurationForm(
        {"idp_entity_id": "local", "idp_sso_url": "http://127.0.0.1:8900/sso", "idp_certificate": certificate_pem}
    )

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("make_data", "field", "code"),
    [
        (lambda pem: {"metadata_xml": "<md:EntityDescriptor"}, "metadata_xml", "invalid_xml"),
        (lambda pem: {"metadata_xml": "not xml at all"}, "metadata_xml", "invalid_xml"),
        (
            lambda pem: {"metadata_xml": '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'},
            "metadata_xml",
            "invalid_xml",
        ),
        (lambda pem: {"metadata_xml": metadata_xml(pem, entity_id=None)}, "metadata_xml", "missing_entity_id"),
        (lambda pem: {"metadata_xml": metadata_xml(pem, sso_url=None)}, "metadata_xml", "missing_sso_url"),
        (lambda pem: {"metadata_xml": metadata_xml(pem, binding="HTTP-POST")}, "metadata_xml", "missing_sso_url"),
        (lambda pem: {"metadata_xml": metadata_xml(None)}, "metadata_xml", "missing_certificate"),
        (
            lambda pem: {"metadata_xml": metadata_xml(pem).replace("IDPSSODescriptor", "SPSSODescriptor")},
            "metadata_xml",
            "missing_idp_descriptor",
        ),
        (
            lambda pem: {"metadata_xml": metadata_xml(pem).replace(pem_body(pem)[:40], "!!!!")},
            "metadata_xml",
            "invalid_certificate",
        ),
        (
            lambda pem: {"metadata_xml": metadata_xml(pem, sso_url="http://idp.example/sso")},
            "metadata_xml",
            "invalid_sso_url",
        ),
        (lambda pem: {}, "idp_entity_id", "required"),
        (lambda pem: {"idp_sso_url": IDP_SSO_URL, "idp_certificate": pem}, "idp_entity_id", "required"),
        (lambda pem: {"idp_entity_id": IDP_ENTITY_ID, "idp_certificate": pem}, "idp_sso_url", "required"),
        (lambda pem: {"idp_entity_id": IDP_ENTITY_ID, "idp_sso_url": IDP_SSO_URL}, "idp_certificate", "required"),
        (
            lambda pem: {"idp_entity_id": IDP_ENTITY_ID, "idp_sso_url": "not a url", "idp_certificate": pem},
            "idp_sso_url",
            "invalid_sso_url",
        ),
        (
            lambda pem: {"idp_entity_id": IDP_ENTITY_ID, "idp_sso_url": "http://idp.example/sso", "idp_certificate": pem},
            "idp_sso_url",
            "invalid_sso_url",
        ),
        (
            lambda pem: {"idp_entity_id": IDP_ENTITY_ID, "idp_sso_url": IDP_SSO_URL, "idp_certificate": "garbage"},
            "idp_certificate",
            "invalid_certificate",
        ),
        (
            lambda pem: {
                "idp_entity_id": IDP_ENTITY_ID,
                "idp_sso_url": IDP_SSO_URL,
                "idp_certificate": "-----BEGIN CERTIFICATE-----\nTUlJQw==\n-----END CERTIFICATE-----",
            },
            "idp_certificate",
            "invalid_certificate",
        ),
    ],
    ids=[
        "truncated-xml",
        "not-xml",
        "entity-expansion",
        "no-entity-id",
        "no-sso-url",
        "post-binding-only",
        "no-certificate",
        "service-provider-metadata",
        "corrupt-certificate",
        "http-sso-url",
        "nothing",
        "no-entity-id-field",
        "no-sso-url-field",
        "no-certificate-field",
        "malformed-url",
        "http-url-field",
        "garbage-certificate",
        "non-certificate-der",
    ],
)
def test_save_rejects_bad_input(organization, admin_client, certificate_pem, make_data, field, code):
    response = admin_client.post(settings_url(organization), make_data(certificate_pem))

    assert response.status_code == 200
    assert code in error_codes(response.context["form"]).get(field, [])
    assert SamlConfiguration.objects.count() == 0


def test_save_rejects_expired_certificate(organization, admin_client, tmp_path):
    now = timezone.now()
    expired = make_certificate(tmp_path, not_before=now - timedelta(days=400), not_after=now - timedelta(days=1))[2]

    response = admin_client.post(
        settings_url(organization),
        {"idp_entity_id": IDP_ENTITY_ID, "idp_sso_url": IDP_SSO_URL, "idp_certificate": expired},
    )

    assert response.status_code == 200
    assert error_codes(response.context["form"]) == {"idp_certificate": ["expired_certificate"]}
    assert "expired on" in response.context["form"].errors["idp_certificate"][0]
    assert SamlConfiguration.objects.count() == 0


def test_save_rejects_invalid_uploaded_file(organization, admin_client):
    upload = SimpleUploadedFile("metadata.xml", b"\xff\xfe not utf-8", content_type="text/xml")

    response = admin_client.post(settings_url(organization), {"metadata_file": upload})

    assert response.status_code == 200
    assert error_codes(response.context["form"]) == {"metadata_file": ["invalid_xml"]}
    assert SamlConfiguration.objects.count() == 0


# Status, audit fields and the certificate on the Security page


def test_activate_and_deactivate_record_who_and_when(organization, administrator, admin_client, certificate_pem, caplog):
    caplog.set_level(logging.INFO, logger="sso.models")
    SamlConfiguration.objects.create(
        organization=organization, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )

    activated = admin_client.post(reverse("sso:activate", args=[organization.name]))

    assert activated.status_code == 302
    configuration = SamlConfiguration.objects.get()
    assert configuration.status == SamlConfiguration.Status.ACTIVE
    assert configuration.activated_by == administrator
    assert timezone.now() - configuration.activated_at < timedelta(minutes=1)
    assert saml_sso_is_active(organization) is True

    deactivated = admin_client.post(reverse("sso:deactivate", args=[organization.name]))

    assert deactivated.status_code == 302
    configuration.refresh_from_db()
    assert configuration.status == SamlConfiguration.Status.INACTIVE
    assert configuration.deactivated_by == administrator
    assert configuration.deactivated_at >= configuration.activated_at
    assert saml_sso_is_active(organization) is False
    audit_rows = list(AuditEvent.objects.filter(organization=organization).exclude(action="admin_signed_in").order_by("id"))
    assert [(row.action, row.actor) for row in audit_rows] == [
        (AuditEvent.Action.SAML_ACTIVATED, administrator),
        (AuditEvent.Action.SAML_DEACTIVATED, administrator),
    ]
    messages = [record.getMessage() for record in caplog.records if record.name == "sso.models"]
    assert messages == [
        f"saml_sso_activated organization={organization.id} person={administrator.id} idp_entity_id={IDP_ENTITY_ID}",
        f"saml_sso_deactivated organization={organization.id} person={administrator.id} idp_entity_id={IDP_ENTITY_ID}",
    ]


def test_activate_requires_configuration(organization, admin_client):
    response = admin_client.post(reverse("sso:activate", args=[organization.name]))

    assert response.status_code == 404
    assert saml_sso_is_active(organization) is False


def test_activate_rejects_get(organization, admin_client, certificate_pem):
    SamlConfiguration.objects.create(
        organization=organization, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )

    response = admin_client.get(reverse("sso:activate", args=[organization.name]))

    assert response.status_code == 405
    assert saml_sso_is_active(organization) is False


def test_saml_sso_is_active_per_organization(organization, administrator, certificate_pem):
    from tests.factories import make_organization

    other = make_organization()
    configuration = SamlConfiguration.objects.create(
        organization=other, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )
    configuration.activate(administrator)

    assert saml_sso_is_active(other) is True
    assert saml_sso_is_active(organization) is False


def test_security_page_shows_certificate_and_expiry_warning(organization, admin_client, tmp_path):
    now = timezone.now()
    expiring = make_certificate(tmp_path, common_name="Okta Expiring", not_after=now + timedelta(days=20))[2]
    SamlConfiguration.objects.create(
        organization=organization, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=expiring
    )

    response = admin_client.get(reverse("security:security", args=[organization.name]))

    content = response.content.decode()
    assert '<strong class="saml-status">Inactive</strong>' in content
    assert "CN=Okta Expiring" in content
    assert response.context["saml"]["certificate"].expires_soon is True
    assert 'class="warning certificate-expiry"' in content


def test_security_page_omits_warning_for_distant_expiry(organization, admin_client, certificate_pem):
    SamlConfiguration.objects.create(
        organization=organization, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )

    response = admin_client.get(reverse("security:security", args=[organization.name]))

    assert response.context["saml"]["certificate"].expires_soon is False
    assert "certificate-expiry" not in response.content.decode()


# Public endpoints and the sign-in page


def test_metadata_endpoint_describes_service_provider(organization):
    response = Client().get(reverse("sso:metadata", args=[organization.id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    content = response.content.decode()
    assert f'entityID="http://testserver/{organization.id}/identity_/saml/metadata"' in content
    assert f'Location="http://testserver/{organization.id}/identity_/saml/acs"' in content
    assert 'WantAssertionsSigned="true"' in content


def test_sign_in_page_offers_sso_only_when_active(organization, administrator, certificate_pem):
    login_url = reverse("accounts:login", args=[organization.name])
    assert "Continue with SSO" not in Client().get(login_url).content.decode()
    configuration = SamlConfiguration.objects.create(
        organization=organization, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )
    assert "Continue with SSO" not in Client().get(login_url).content.decode()

    configuration.activate(administrator)
    content = Client().get(login_url + "?next=/x/").content.decode()

    assert "Continue with SSO" in content
    assert f'href="/{organization.id}/identity_/saml/login?next=%2Fx%2F"' in content
    assert 'name="password"' in content


def test_administrator_password_sign_in_works_with_sso_active(organization, administrator, certificate_pem):
    from tests.factories import TEST_PASSWORD

    configuration = SamlConfiguration.objects.create(
        organization=organization, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )
    configuration.activate(administrator)

    response = Client().post(
        reverse("accounts:login", args=[organization.name]),
        {"username": administrator.user_name, "password": TEST_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/{organization.name}/"


def test_django_admin_lists_configurations(organization, certificate_pem, django_user_model):
    SamlConfiguration.objects.create(
        organization=organization, idp_entity_id=IDP_ENTITY_ID, idp_sso_url=IDP_SSO_URL, idp_certificate=certificate_pem
    )
    operator = django_user_model.objects.create_superuser("operator", "operator@example.com", "operator-password-1")
    client = Client()
    client.force_login(operator)

    listing = client.get("/admin/sso/samlconfiguration/")
    identities = client.get("/admin/sso/samlidentity/")

    assert listing.status_code == 200
    assert IDP_ENTITY_ID in listing.content.decode()
    assert identities.status_code == 200
