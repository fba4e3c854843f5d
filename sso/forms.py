from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from sso.certificates import normalize_certificate
from sso.metadata import parse_identity_provider_metadata
from sso.models import SamlConfiguration

MAX_METADATA_BYTES = 1024 * 1024

_url_validator = URLValidator(schemes=["https", "http"])
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class SamlConfigurationForm(forms.Form):
    """The identity provider's metadata, as XML (pasted or uploaded) or as its three fields.

    Metadata XML, when given, replaces the separate fields. Nothing is saved unless
    the entity ID, single sign-on URL and a current certificate are all valid.
    """

    metadata_xml = forms.CharField(
        label="Identity provider metadata XML",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Paste the metadata XML from the identity provider, or upload it below.",
    )
    metadata_file = forms.FileField(label="Metadata file", required=False)
    idp_entity_id = forms.CharField(label="Identity provider entity ID", required=False, max_length=1024)
    idp_sso_url = forms.CharField(label="Single sign-on URL", required=False, max_length=2048)
    idp_certificate = forms.CharField(
        label="Signing certificate",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="PEM text, including the BEGIN CERTIFICATE and END CERTIFICATE lines.",
    )

    def clean_metadata_file(self):
        upload = self.cleaned_data["metadata_file"]
        if upload is None:
            return ""
        if upload.size > MAX_METADATA_BYTES:
            raise ValidationError("The metadata file is larger than 1 MB.", code="metadata_too_large")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("The metadata file is not UTF-8 text.", code="invalid_xml")

    def clean(self):
        cleaned = super().clean()
        metadata_text = cleaned.get("metadata_file") or cleaned.get("metadata_xml", "").strip()
        if self.errors:
            return cleaned
        metadata_field = None
        if metadata_text:
            metadata_field = "metadata_file" if cleaned.get("metadata_file") else "metadata_xml"
            try:
                metadata = parse_identity_provider_metadata(metadata_text)
            except ValidationError as error:
                self.add_error(metadata_field, error)
                return cleaned
            cleaned.update(
                idp_entity_id=metadata.entity_id, idp_sso_url=metadata.sso_url, idp_certificate=metadata.certificate
            )
        self._check_fields(cleaned, metadata_field)
        return cleaned

    def _check_fields(self, cleaned, metadata_field):
        """Validate the three settings, putting errors in values read from metadata on `metadata_field`."""
        error_field = metadata_field
        for name, label in (
            ("idp_entity_id", "entity ID"),
            ("idp_sso_url", "single sign-on URL"),
            ("idp_certificate", "signing certificate"),
        ):
            if not cleaned.get(name, "").strip():
                self.add_error(
                    error_field or name,
                    ValidationError(
                        "Enter the identity provider's %(label)s, or paste its metadata XML.",
                        code="required",
                        params={"label": label},
                    ),
                )
        if self.errors:
            return
        cleaned["idp_entity_id"] = cleaned["idp_entity_id"].strip()
        try:
            cleaned["idp_sso_url"] = _validated_sso_url(cleaned["idp_sso_url"].strip())
            cleaned["idp_certificate"] = normalize_certificate(cleaned["idp_certificate"])
        except ValidationError as error:
            field = error_field or ("idp_sso_url" if error.code == "invalid_sso_url" else "idp_certificate")
            self.add_error(field, error)

    def save(self, organization, by_person):
        """Create or update the organization's configuration, keeping its status."""
        configuration, _ = SamlConfiguration.objects.update_or_create(
            organization=organization,
            defaults={
                "idp_entity_id": self.cleaned_data["idp_entity_id"],
                "idp_sso_url": self.cleaned_data["idp_sso_url"],
                "idp_certificate": self.cleaned_data["idp_certificate"],
                "updated_by": by_person,
            },
        )
        return configuration


def _validated_sso_url(url):
    """Return `url` if it is https, or http on a loopback host for a local test identity provider."""
    invalid = ValidationError(
        "The single sign-on URL must be an https URL (http only on 127.0.0.1 or localhost).",
        code="invalid_sso_url",
    )
    try:
        _url_validator(url)
    except ValidationError:
        raise invalid
    parts = urlsplit(url)
    if parts.scheme.lower() == "https" or parts.hostname in _LOOPBACK_HOSTS:
        return url
    raise invalid
