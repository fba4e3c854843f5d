"""Reading identity provider metadata and writing this service provider's metadata.

The XML formats are SAML 2.0 Metadata (saml-metadata-2.0-os), sections 2.3 and 2.4.
"""

from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
BINDING_HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
BINDING_HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
PROTOCOL_SAML2 = "urn:oasis:names:tc:SAML:2.0:protocol"


@dataclass(frozen=True)
class IdentityProviderMetadata:
    entity_id: str
    sso_url: str
    certificate: str


def parse_identity_provider_metadata(xml_text):
    """Return the entity ID, HTTP-Redirect single sign-on URL and signing certificate.

    Raises ValidationError with code `invalid_xml` when the text is not XML, and
    `missing_entity_id`, `missing_idp_descriptor`, `missing_sso_url` or
    `missing_certificate` when the metadata lacks that part.
    """
    try:
        root = fromstring(xml_text.strip().encode("utf-8"))
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise ValidationError(
            "The metadata is not valid XML (%(error)s).", code="invalid_xml", params={"error": error}
        )

    entity = root if root.tag == f"{MD}EntityDescriptor" else root.find(f".//{MD}EntityDescriptor")
    if entity is None or not entity.get("entityID", "").strip():
        raise ValidationError(
            "The metadata has no EntityDescriptor with an entityID.", code="missing_entity_id"
        )
    descriptor = next(
        (
            element
            for element in entity.findall(f"{MD}IDPSSODescriptor")
            if PROTOCOL_SAML2 in element.get("protocolSupportEnumeration", "").split()
        ),
        None,
    )
    if descriptor is None:
        raise ValidationError(
            "The metadata has no IDPSSODescriptor for SAML 2.0. Check that it is the identity provider's metadata, not a service provider's.",
            code="missing_idp_descriptor",
        )
    return IdentityProviderMetadata(
        entity_id=entity.get("entityID").strip(),
        sso_url=_redirect_sso_url(descriptor),
        certificate=_signing_certificate(descriptor),
    )


def _redirect_sso_url(descriptor):
    for service in descriptor.findall(f"{MD}SingleSignOnService"):
        if service.get("Binding") == BINDING_HTTP_REDIRECT and service.get("Location", "").strip():
            return service.get("Location").strip()
    raise ValidationError(
        "The metadata has no SingleSignOnService with the HTTP-Redirect binding.", code="missing_sso_url"
    )


def _signing_certificate(descriptor):
    for key in descriptor.findall(f"{MD}KeyDescriptor"):
        if key.get("use", "signing") != "signing":
            continue
        certificate = key.find(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
        if certificate is not None and (certificate.text or "").strip():
            return certificate.text.strip()
    raise ValidationError(
        "The metadata has no signing certificate (KeyDescriptor with an X509Certificate).",
        code="missing_certificate",
    )
