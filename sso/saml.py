"""SAML 2.0 Web Browser SSO for one organization, as a service provider built on pysaml2.

pysaml2 verifies the XML signature with the configured certificate, the
SubjectConfirmation Recipient, the Destination when present, and the validity
window. `verify_response` adds what pysaml2 leaves to the caller: a required
Destination and AudienceRestriction, InResponseTo bound to a request this service
sent, and one-time use of each assertion (SAML 2.0 Profiles, section 4.1.4.5).
"""

import base64
import binascii
import calendar
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.response import StatusError, VerificationError
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS
from saml2.saml import NAMESPACE as SAML_ASSERTION_NS
from saml2.sigver import SignatureError
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly
from saml2.xmldsig import NAMESPACE as XMLDSIG_NS

from sso.certificates import pem_body
from sso.models import AuthnRequestRecord, ConsumedAssertion

# Allowed difference between the identity provider's clock and ours when checking
# NotBefore and NotOnOrAfter.
CLOCK_SKEW_SECONDS = 120
# How long the identity provider may take to respond to an AuthnRequest this service sent.
AUTHN_REQUEST_LIFETIME = timedelta(minutes=10)

EMAIL_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
FIRST_NAME_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
LAST_NAME_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"
JOB_TITLE_CLAIM = "jobTitle"
DEPARTMENT_CLAIM = "department"
# The directory identifier that SCIM stores as the person's externalId (Okta's user.id).
DIRECTORY_ID_CLAIM = "externalId"


class SsoFailure(Exception):
    """A rejected sign-in. `reason` is a fixed code for the log and contains no assertion content."""

    def __init__(self, reason, **ids):
        super().__init__(reason)
        self.reason = reason
        self.ids = ids


@dataclass(frozen=True)
class ServiceProviderUrls:
    entity_id: str
    acs_url: str
    metadata_url: str
    login_url: str


@dataclass(frozen=True)
class VerifiedAssertion:
    issuer: str
    assertion_id: str
    name_id: str
    next_url: str
    attributes: dict = field(default_factory=dict)

    def first(self, claim):
        values = self.attributes.get(claim) or [""]
        return values[0]


def service_provider_urls(organization):
    """Return the absolute URLs the identity provider is configured with.

    They come from PUBLIC_BASE_URL, never from the request's Host header, and
    name the organization by its id, which never changes.
    """

    def absolute(name):
        return settings.PUBLIC_BASE_URL + reverse(f"sso:{name}", args=[organization.id])

    return ServiceProviderUrls(
        entity_id=absolute("metadata"),
        acs_url=absolute("acs"),
        metadata_url=absolute("metadata"),
        login_url=absolute("login"),
    )


def _identity_provider_metadata_xml(configuration):
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificate}'
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleSignOnService Binding="{binding}" Location="{sso_url}"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    ).format(
        entity_id=_xml_attribute(configuration.idp_entity_id),
        certificate=pem_body(configuration.idp_certificate),
        binding=BINDING_HTTP_REDIRECT,
        sso_url=_xml_attribute(configuration.idp_sso_url),
    )


def _xml_attribute(value):
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _xmlsec_binary():
    binary = shutil.which("xmlsec1")
    if binary is None:
        raise RuntimeError("The xmlsec1 program is not installed, so SAML signatures cannot be checked. Install the xmlsec1 package.")
    return binary


def service_provider_config(organization, configuration=None):
    """Return the pysaml2 configuration of the organization's service provider."""
    urls = service_provider_urls(organization)
    config = {
        "entityid": urls.entity_id,
        "xmlsec_binary": _xmlsec_binary(),
        "accepted_time_diff": CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "endpoints": {"assertion_consumer_service": [(urls.acs_url, BINDING_HTTP_POST)]},
                # IdP-initiated sign-in responds to no request. verify_response
                # still rejects an InResponseTo that names no request we sent.
                "allow_unsolicited": True,
                "authn_requests_signed": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
            }
        },
    }
    if configuration is not None:
        config["metadata"] = {"inline": [_identity_provider_metadata_xml(configuration)]}
    sp_config = SPConfig()
    sp_config.load(config)
    return sp_config


def service_provider_metadata_xml(organization):
    """Return the service provider's metadata (SAML 2.0 Metadata, section 2.4.4)."""
    urls = service_provider_urls(organization)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">'
        '<md:SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        "<md:NameIDFormat>{name_id_format}</md:NameIDFormat>"
        '<md:AssertionConsumerService Binding="{binding}" Location="{acs_url}" index="0" isDefault="true"/>'
        "</md:SPSSODescriptor></md:EntityDescriptor>\n"
    ).format(
        entity_id=_xml_attribute(urls.entity_id),
        name_id_format=NAMEID_FORMAT_EMAILADDRESS,
        binding=BINDING_HTTP_POST,
        acs_url=_xml_attribute(urls.acs_url),
    )


def start_sign_in(configuration, next_url=""):
    """Record a new AuthnRequest and return the identity provider URL that carries it."""
    client = Saml2Client(config=service_provider_config(configuration.organization, configuration))
    request_id, info = client.prepare_for_authenticate(
        entityid=configuration.idp_entity_id,
        binding=BINDING_HTTP_REDIRECT,
        nameid_format=NAMEID_FORMAT_EMAILADDRESS,
    )
    AuthnRequestRecord.objects.filter(expires_at__lt=timezone.now()).delete()
    AuthnRequestRecord.objects.create(
        request_id=request_id,
        organization=configuration.organization,
        next_url=next_url,
        expires_at=timezone.now() + AUTHN_REQUEST_LIFETIME,
    )
    return dict(info["headers"])["Location"]


def verify_response(configuration, encoded_response):
    """Verify a base64 SAMLResponse from the HTTP-POST binding and consume its assertion.

    Raises SsoFailure with a reason code on any failed check.
    """
    organization = configuration.organization
    # Some identity providers wrap the base64 text in lines.
    encoded_response = "".join(encoded_response.split())
    if not encoded_response:
        raise SsoFailure("missing_response")
    try:
        base64.b64decode(encoded_response, validate=True)
    except (binascii.Error, ValueError):
        raise SsoFailure("invalid_encoding")

    client = Saml2Client(config=service_provider_config(organization, configuration))
    urls = service_provider_urls(organization)
    response = _parse(client, encoded_response, urls)
    ids = {"response_id": response.response.id, "assertion_id": response.assertion.id}

    if response.issuer() != configuration.idp_entity_id:
        raise SsoFailure("issuer_mismatch", **ids)
    if response.response.destination != urls.acs_url:
        raise SsoFailure("destination_mismatch", **ids)
    if not _audience_restricted_to(response.assertion, urls.entity_id):
        raise SsoFailure("audience_mismatch", **ids)
    expires_at = _assertion_expiry(response.assertion)
    if expires_at is None:
        raise SsoFailure("missing_not_on_or_after", **ids)

    if not ConsumedAssertion.record_first_use(organization, response.issuer(), response.assertion.id, expires_at):
        raise SsoFailure("assertion_replayed", **ids)
    next_url = _consume_answered_request(organization, response, ids)

    name_id = (response.name_id.text or "").strip() if response.name_id is not None else ""
    if not name_id:
        raise SsoFailure("missing_name_id", **ids)
    return VerifiedAssertion(
        issuer=response.issuer(),
        assertion_id=response.assertion.id,
        name_id=name_id,
        next_url=next_url,
        attributes=_attributes(response.assertion),
    )


def _parse(client, encoded_response, urls):
    try:
        response = client.parse_authn_request_response(encoded_response, BINDING_HTTP_POST)
    except SignatureError:
        raise SsoFailure(_diagnose_rejected(encoded_response, urls) or "invalid_signature")
    except ResponseLifetimeExceed:
        raise SsoFailure("assertion_expired")
    except ToEarly:
        raise SsoFailure("assertion_not_yet_valid")
    except StatusError as error:
        raise SsoFailure("identity_provider_status", status=type(error).__name__)
    except VerificationError:
        raise SsoFailure("recipient_mismatch")
    except Exception as error:
        # pysaml2 7.5 raises a bare Exception for an audience it rejects and various
        # parser errors for malformed XML. The message is not logged because it can
        # quote the assertion.
        raise SsoFailure(_diagnose_rejected(encoded_response, urls) or "invalid_response", error=type(error).__name__)
    if response is None or response.assertion is None:
        # pysaml2 returns None, without an exception, for a wrong Destination.
        raise SsoFailure(_diagnose_rejected(encoded_response, urls) or "invalid_response")
    return response


def _diagnose_rejected(encoded_response, urls):
    """Name the likely reason pysaml2 rejected a response, for the operator's log.

    Reads the unverified XML, so the result only labels a rejection and never
    admits a response.
    """
    try:
        root = fromstring(base64.b64decode(encoded_response))
    except (ParseError, DefusedXmlException, ValueError):
        return "invalid_xml"
    destination = root.get("Destination")
    if destination is not None and destination != urls.acs_url:
        return "destination_mismatch"
    audiences = [(element.text or "").strip() for element in root.iter(f"{{{SAML_ASSERTION_NS}}}Audience")]
    if audiences and urls.entity_id not in audiences:
        return "audience_mismatch"
    if root.find(f".//{{{XMLDSIG_NS}}}Signature") is None:
        return "missing_signature"
    return None


def _audience_restricted_to(assertion, entity_id):
    """Return whether every AudienceRestriction names `entity_id` (SAML 2.0 Core, section 2.5.1.4)."""
    conditions = assertion.conditions
    if conditions is None or not conditions.audience_restriction:
        return False
    return all(
        any((audience.text or "").strip() == entity_id for audience in restriction.audience)
        for restriction in conditions.audience_restriction
    )


def _assertion_expiry(assertion):
    instants = []
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        instants.append(assertion.conditions.not_on_or_after)
    for confirmation in assertion.subject.subject_confirmation if assertion.subject else []:
        data = confirmation.subject_confirmation_data
        if data is not None and data.not_on_or_after:
            instants.append(data.not_on_or_after)
    if not instants:
        return None
    latest = max(calendar.timegm(str_to_time(instant)) for instant in instants)
    return datetime.fromtimestamp(latest + CLOCK_SKEW_SECONDS, tz=dt_timezone.utc)


def _consume_answered_request(organization, response, ids):
    """Return the next URL of the request the response is for, or '' for IdP-initiated sign-in."""
    answered = {response.response.in_response_to} if response.response.in_response_to else set()
    for confirmation in response.assertion.subject.subject_confirmation:
        data = confirmation.subject_confirmation_data
        if data is not None and data.in_response_to:
            answered.add(data.in_response_to)
    if not answered:
        return ""
    if len(answered) > 1:
        raise SsoFailure("in_response_to_mismatch", **ids)
    record = AuthnRequestRecord.consume(organization, answered.pop())
    if record is None:
        raise SsoFailure("unknown_in_response_to", **ids)
    return record.next_url


def _attributes(assertion):
    attributes = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            values = [(value.text or "").strip() for value in attribute.attribute_value]
            attributes[attribute.name] = [value for value in values if value]
    return attributes
