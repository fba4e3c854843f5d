import base64
import logging
import zlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Person
from sso.models import AuthnRequestRecord, ConsumedAssertion, SamlIdentity
from sso.linking import _fill_blank_profile_fields
from sso.saml import DIRECTORY_ID_CLAIM, EMAIL_CLAIM, JOB_TITLE_CLAIM
from tests.factories import make_person
from tests.sso.identity_provider import TestIdentityProvider

pytestmark = pytest.mark.django_db


def provisioned_person(organization, **fields):
    """A person as SCIM creates them: from the directory, with an external id and no auth user."""
    defaults = {"source": Person.Source.DIRECTORY, "external_id": "00u-directory-1", "user_name": "ada@example.com"}
    return make_person(organization, **{**defaults, **fields})


def signed_in_person_id(client):
    user_id = client.session.get("_auth_user_id")
    return Person.objects.filter(user_id=user_id).values_list("id", flat=True).first() if user_id else None


def failure_reasons(caplog):
    return [record.getMessage() for record in caplog.records if "saml_sign_in_failed" in record.getMessage()]


def test_acs_signs_in_provisioned_person(organization, saml_configuration, identity_provider, sp_urls, post_response):
    person = provisioned_person(organization, email="ada@example.com")
    client = Client()

    response = post_response(
        identity_provider.response_xml(
            email="ADA@example.com",
            destination=sp_urls.acs_url,
            audience=sp_urls.entity_id,
            attributes={DIRECTORY_ID_CLAIM: ["00u-directory-1"], EMAIL_CLAIM: ["ada@example.com"]},
        ),
        client,
    )

    assert response.status_code == 302
    assert response["Location"] == f"/{organization.name}/"
    person.refresh_from_db()
    assert person.user is not None
    assert person.user.has_usable_password() is False
    assert signed_in_person_id(client) == person.id
    assert Person.objects.filter(organization=organization, user_name__iexact="ada@example.com").count() == 1
    identity = SamlIdentity.objects.get(person=person)
    assert identity.issuer == identity_provider.entity_id
    assert identity.subject == "00u-directory-1"
    assert client.get(reverse("accounts:home", args=[organization.name])).status_code == 200


def test_acs_keeps_existing_auth_user(organization, saml_configuration, identity_provider, sp_urls, post_response, administrator):
    client = Client()

    response = post_response(
        identity_provider.response_xml(
            email=administrator.user_name, destination=sp_urls.acs_url, audience=sp_urls.entity_id
        ),
        client,
    )

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.user.has_usable_password() is True
    assert signed_in_person_id(client) == administrator.id
    assert SamlIdentity.objects.get(person=administrator).subject == administrator.user_name.lower()


def test_acs_matches_work_email_when_user_name_differs(
    organization, saml_configuration, identity_provider, sp_urls, post_response
):
    person = provisioned_person(organization, user_name="ada.lovelace", email="Ada@Example.com", external_id=None)
    client = Client()

    response = post_response(
        identity_provider.response_xml(email="ada@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id),
        client,
    )

    assert response.status_code == 302
    assert signed_in_person_id(client) == person.id


def test_acs_matches_directory_id_after_email_change(
    organization, saml_configuration, identity_provider, sp_urls, post_response
):
    person = provisioned_person(organization, user_name="ada@old.example", email="ada@old.example")
    client = Client()

    response = post_response(
        identity_provider.response_xml(
            email="ada@new.example",
            destination=sp_urls.acs_url,
            audience=sp_urls.entity_id,
            attributes={DIRECTORY_ID_CLAIM: ["00u-directory-1"]},
        ),
        client,
    )

    assert response.status_code == 302
    assert signed_in_person_id(client) == person.id


def test_acs_fills_blank_profile_fields_only(organization, saml_configuration, identity_provider, sp_urls, post_response):
    person = provisioned_person(organization, first_name="Ada", last_name="", job_title="")
    version = person.version

    post_response(
        identity_provider.response_xml(
            email=person.user_name,
            destination=sp_urls.acs_url,
            audience=sp_urls.entity_id,
            attributes={
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname": ["Augusta"],
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname": ["Lovelace"],
                "jobTitle": ["Analyst"],
            },
        )
    )

    person.refresh_from_db()
    assert person.first_name == "Ada"
    assert person.last_name == "Lovelace"
    assert person.job_title == "Analyst"
    assert person.version == version + 1


def test_sp_initiated_sign_in_round_trip(organization, saml_configuration, identity_provider, sp_urls, post_response):
    person = provisioned_person(organization)
    client = Client()
    next_url = f"/{organization.name}/"

    start = client.get(reverse("sso:login", args=[organization.id]), {"next": next_url})

    assert start.status_code == 302
    location = urlsplit(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == identity_provider.sso_url
    request_xml = zlib.decompress(base64.b64decode(parse_qs(location.query)["SAMLRequest"][0]), -15).decode()
    record = AuthnRequestRecord.objects.get(organization=organization)
    assert f'ID="{record.request_id}"' in request_xml
    assert sp_urls.acs_url in request_xml
    assert record.next_url == next_url

    response = post_response(
        identity_provider.response_xml(
            email=person.user_name,
            destination=sp_urls.acs_url,
            audience=sp_urls.entity_id,
            in_response_to=record.request_id,
        ),
        client,
    )

    assert response.status_code == 302
    assert response["Location"] == next_url
    assert signed_in_person_id(client) == person.id
    assert AuthnRequestRecord.objects.count() == 0


def test_sp_initiated_ignores_offsite_next(organization, saml_configuration):
    Client().get(reverse("sso:login", args=[organization.id]), {"next": "https://evil.example/"})

    assert AuthnRequestRecord.objects.get(organization=organization).next_url == ""


def test_sp_initiated_requires_active_sso(organization, saml_configuration, administrator):
    saml_configuration.deactivate(administrator)

    response = Client().get(reverse("sso:login", args=[organization.id]))

    assert response.status_code == 404
    assert AuthnRequestRecord.objects.count() == 0


def test_acs_rejects_unknown_in_response_to(
    organization, saml_configuration, identity_provider, sp_urls, post_response, caplog
):
    person = provisioned_person(organization)
    client = Client()

    response = post_response(
        identity_provider.response_xml(
            email=person.user_name, destination=sp_urls.acs_url, audience=sp_urls.entity_id, in_response_to="id-never-sent"
        ),
        client,
    )

    assert response.status_code == 403
    assert "unknown_in_response_to" in failure_reasons(caplog)[0]
    assert signed_in_person_id(client) is None


def test_acs_rejects_request_of_other_organization(
    organization, saml_configuration, identity_provider, sp_urls, post_response, caplog
):
    from tests.factories import make_organization

    other = make_organization()
    AuthnRequestRecord.objects.create(
        request_id="id-other", organization=other, expires_at=timezone.now() + timedelta(minutes=5)
    )
    person = provisioned_person(organization)

    response = post_response(
        identity_provider.response_xml(
            email=person.user_name, destination=sp_urls.acs_url, audience=sp_urls.entity_id, in_response_to="id-other"
        )
    )

    assert response.status_code == 403
    assert "unknown_in_response_to" in failure_reasons(caplog)[0]
    assert AuthnRequestRecord.objects.filter(request_id="id-other").exists()


def test_acs_rejects_tampered_signature(
    organization, saml_configuration, identity_provider, sp_urls, post_response, caplog
):
    provisioned_person(organization)
    intruder = provisioned_person(organization, user_name="mallory@example.com", external_id="00u-mallory")
    xml_text = identity_provider.response_xml(
        email="ada@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id
    )
    tampered = xml_text.replace(">ada@example.com<", ">mallory@example.com<")
    assert tampered != xml_text
    client = Client()

    response = post_response(tampered, client)

    assert response.status_code == 403
    assert b"Single sign-on failed" in response.content
    assert "reason=invalid_signature" in failure_reasons(caplog)[0]
    assert signed_in_person_id(client) is None
    assert not SamlIdentity.objects.filter(person=intruder).exists()


def test_acs_rejects_certificate_of_other_key(
    organization, saml_configuration, sp_urls, post_response, caplog, tmp_path
):
    from sso.saml import service_provider_metadata_xml

    provisioned_person(organization)
    (tmp_path / "impostor").mkdir()
    impostor = TestIdentityProvider(tmp_path / "impostor", service_provider_metadata_xml(organization))

    response = post_response(
        impostor.response_xml(email="ada@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id)
    )

    assert response.status_code == 403
    assert "reason=invalid_signature" in failure_reasons(caplog)[0]


def test_acs_rejects_unsigned_response(organization, saml_configuration, identity_provider, sp_urls, post_response, caplog):
    provisioned_person(organization)
    client = Client()

    response = post_response(
        identity_provider.response_xml(
            email="ada@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id, sign_assertion=False
        ),
        client,
    )

    assert response.status_code == 403
    assert "reason=missing_signature" in failure_reasons(caplog)[0]
    assert signed_in_person_id(client) is None


def test_acs_rejects_wrong_audience(organization, saml_configuration, identity_provider, sp_urls, post_response, caplog):
    provisioned_person(organization)

    response = post_response(
        identity_provider.response_xml(
            email="ada@example.com", destination=sp_urls.acs_url, audience="https://other-sp.example/metadata"
        )
    )

    assert response.status_code == 403
    assert "reason=audience_mismatch" in failure_reasons(caplog)[0]


def test_acs_rejects_wrong_destination(organization, saml_configuration, identity_provider, sp_urls, post_response, caplog):
    provisioned_person(organization)

    response = post_response(
        identity_provider.response_xml(
            email="ada@example.com", destination="https://other-sp.example/acs", audience=sp_urls.entity_id
        )
    )

    assert response.status_code == 403
    assert "reason=destination_mismatch" in failure_reasons(caplog)[0]
    assert ConsumedAssertion.objects.count() == 0


@pytest.mark.parametrize(
    ("shift", "reason"),
    [(timedelta(hours=-1), "assertion_expired"), (timedelta(hours=1), "assertion_not_yet_valid")],
    ids=["expired", "future"],
)
def test_acs_rejects_assertion_outside_time_window(
    organization, saml_configuration, identity_provider, sp_urls, post_response, caplog, shift, reason
):
    provisioned_person(organization)
    with time_machine.travel(timezone.now() + shift, tick=False):
        xml_text = identity_provider.response_xml(
            email="ada@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id
        )
    client = Client()

    response = post_response(xml_text, client)

    assert response.status_code == 403
    assert f"reason={reason}" in failure_reasons(caplog)[0]
    assert signed_in_person_id(client) is None


def test_acs_accepts_clock_skew_within_limit(organization, saml_configuration, identity_provider, sp_urls, post_response):
    person = provisioned_person(organization)
    with time_machine.travel(timezone.now() + timedelta(seconds=60), tick=False):
        xml_text = identity_provider.response_xml(
            email=person.user_name, destination=sp_urls.acs_url, audience=sp_urls.entity_id
        )

    response = post_response(xml_text)

    assert response.status_code == 302


def test_acs_rejects_replayed_assertion(
    organization, saml_configuration, identity_provider, sp_urls, post_response, caplog
):
    provisioned_person(organization)
    xml_text = identity_provider.response_xml(
        email="ada@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id
    )
    assert post_response(xml_text).status_code == 302
    replaying_client = Client()

    response = post_response(xml_text, replaying_client)

    assert response.status_code == 403
    assert "reason=assertion_replayed" in failure_reasons(caplog)[0]
    assert signed_in_person_id(replaying_client) is None
    assert ConsumedAssertion.objects.filter(organization=organization).count() == 1


def test_acs_rejects_unknown_person(organization, saml_configuration, identity_provider, sp_urls, post_response, caplog):
    client = Client()

    response = post_response(
        identity_provider.response_xml(email="nobody@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id),
        client,
    )

    assert response.status_code == 403
    assert b"Ask your administrator to assign you" in response.content
    assert "reason=unknown_person" in failure_reasons(caplog)[0]
    assert signed_in_person_id(client) is None
    assert Person.objects.filter(user_name="nobody@example.com").count() == 0


def test_acs_rejects_deactivated_person(organization, saml_configuration, identity_provider, sp_urls, post_response, caplog):
    person = provisioned_person(organization, active=False)
    client = Client()

    response = post_response(
        identity_provider.response_xml(email=person.user_name, destination=sp_urls.acs_url, audience=sp_urls.entity_id),
        client,
    )

    assert response.status_code == 403
    assert b"is inactive" in response.content
    assert "reason=person_inactive" in failure_reasons(caplog)[0]
    assert f"person_id={person.id}" in failure_reasons(caplog)[0]
    assert signed_in_person_id(client) is None


def test_acs_rejects_person_deactivated_after_first_sign_in(
    organization, saml_configuration, identity_provider, sp_urls, post_response
):
    person = provisioned_person(organization)
    first = post_response(
        identity_provider.response_xml(email=person.user_name, destination=sp_urls.acs_url, audience=sp_urls.entity_id)
    )
    assert first.status_code == 302
    Person.objects.filter(id=person.id).update(active=False)

    second = post_response(
        identity_provider.response_xml(email=person.user_name, destination=sp_urls.acs_url, audience=sp_urls.entity_id)
    )

    assert second.status_code == 403
    assert b"is inactive" in second.content


def test_acs_email_never_takes_over_linked_person(
    organization, saml_configuration, identity_provider, sp_urls, post_response, caplog
):
    person = provisioned_person(organization)
    SamlIdentity.objects.create(
        organization=organization, person=person, issuer=identity_provider.entity_id, subject="00u-directory-1"
    )
    client = Client()

    response = post_response(
        identity_provider.response_xml(
            email="ada@example.com",
            destination=sp_urls.acs_url,
            audience=sp_urls.entity_id,
            attributes={DIRECTORY_ID_CLAIM: ["00u-someone-else"]},
        ),
        client,
    )

    assert response.status_code == 403
    assert "reason=linked_to_other_identity" in failure_reasons(caplog)[0]
    assert signed_in_person_id(client) is None
    assert SamlIdentity.objects.get(person=person).subject == "00u-directory-1"


def test_acs_email_never_takes_over_other_directory_id(
    organization, saml_configuration, identity_provider, sp_urls, post_response, caplog
):
    provisioned_person(organization, external_id="00u-directory-1")

    response = post_response(
        identity_provider.response_xml(
            email="ada@example.com",
            destination=sp_urls.acs_url,
            audience=sp_urls.entity_id,
            attributes={DIRECTORY_ID_CLAIM: ["00u-someone-else"]},
        )
    )

    assert response.status_code == 403
    assert "reason=linked_to_other_identity" in failure_reasons(caplog)[0]
    assert "Ask your administrator to assign you" in response.content.decode()
    assert SamlIdentity.objects.count() == 0


def test_acs_rejects_when_sso_inactive(
    organization, saml_configuration, identity_provider, sp_urls, post_response, administrator, caplog
):
    provisioned_person(organization)
    saml_configuration.deactivate(administrator)

    response = post_response(
        identity_provider.response_xml(email="ada@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id)
    )

    assert response.status_code == 403
    assert "reason=sso_not_active" in failure_reasons(caplog)[0]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({}, "missing_response"),
        ({"SAMLResponse": "not base64!"}, "invalid_encoding"),
        ({"SAMLResponse": base64.b64encode(b"<x>").decode()}, "invalid_xml"),
        ({"SAMLResponse": base64.b64encode(b"<?xml version='1.0'?><unclosed").decode()}, "invalid_xml"),
    ],
)
def test_acs_rejects_malformed_post(organization, saml_configuration, body, reason, caplog):
    response = Client().post(reverse("sso:acs", args=[organization.id]), body)

    assert response.status_code == 403
    assert b"Single sign-on failed" in response.content
    assert f"reason={reason}" in failure_reasons(caplog)[0]


def test_acs_logs_no_assertion_contents(
    organization, saml_configuration, identity_provider, sp_urls, post_response, caplog
):
    caplog.set_level(logging.DEBUG)
    provisioned_person(organization, user_name="secret-name@example.com")

    post_response(
        identity_provider.response_xml(
            email="secret-name@example.com",
            destination=sp_urls.acs_url,
            audience=sp_urls.entity_id,
            attributes={"department": ["Hidden Department"]},
        )
    )
    tampered = identity_provider.response_xml(
        email="secret-name@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id
    ).replace("secret-name@", "other-name@")
    post_response(tampered)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "saml_sign_in_succeeded" in logged
    assert "saml_sign_in_failed" in logged
    assert "secret-name" not in logged
    assert "other-name" not in logged
    assert "Hidden Department" not in logged
    assert "SignatureValue" not in logged


def test_acs_accepts_line_wrapped_base64(organization, saml_configuration, identity_provider, sp_urls):
    person = provisioned_person(organization)
    encoded = TestIdentityProvider.encode(
        identity_provider.response_xml(email=person.user_name, destination=sp_urls.acs_url, audience=sp_urls.entity_id)
    )
    wrapped = "\r\n".join(encoded[index : index + 76] for index in range(0, len(encoded), 76))

    response = Client().post(reverse("sso:acs", args=[organization.id]), {"SAMLResponse": wrapped})

    assert response.status_code == 302


def test_acs_relinks_person_of_former_identity_provider(
    organization, saml_configuration, identity_provider, sp_urls, post_response
):
    person = provisioned_person(organization, external_id=None)
    SamlIdentity.objects.create(
        organization=organization, person=person, issuer="http://former-idp.example/metadata", subject="ada@example.com"
    )
    client = Client()

    response = post_response(
        identity_provider.response_xml(email="ada@example.com", destination=sp_urls.acs_url, audience=sp_urls.entity_id),
        client,
    )

    assert response.status_code == 302
    assert signed_in_person_id(client) == person.id
    identity = SamlIdentity.objects.get(person=person)
    assert identity.issuer == identity_provider.entity_id
    assert identity.subject == "ada@example.com"


def test_profile_fill_increases_current_version(organization):
    person = provisioned_person(organization, job_title="")
    # A SCIM write changed the person after sign-in loaded them.
    Person.objects.filter(pk=person.pk).update(version=5)
    assertion = type("Assertion", (), {"first": lambda self, claim: "Analyst" if claim == JOB_TITLE_CLAIM else ""})()

    _fill_blank_profile_fields(person, assertion)

    person.refresh_from_db()
    assert person.job_title == "Analyst"
    assert person.version == 6
