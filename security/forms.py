from datetime import timedelta

from django import forms
from django.utils import timezone

from security.models import ScimConnection
from security.redirect_urls import validate_redirect_url


TOKEN_LIFETIMES = {"never": None, "90d": timedelta(days=90), "1y": timedelta(days=365)}


class TokenExpiryField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("never", "Never"), ("90d", "90 days"), ("1y", "1 year")],
            initial="never",
            label="Token expires",
            **kwargs,
        )


def expiry_from_choice(choice, now=None):
    lifetime = TOKEN_LIFETIMES[choice]
    return None if lifetime is None else (now or timezone.now()) + lifetime


class ScimMethodForm(forms.Form):
    """The Enable SCIM wizard: the authorization method and, for the code grant, the redirect URL."""

    method = forms.ChoiceField(
        label="Authorization method",
        choices=ScimConnection.Method.choices,
        initial=ScimConnection.Method.OAUTH_AUTHORIZATION_CODE,
        widget=forms.RadioSelect,
    )
    redirect_url = forms.CharField(
        label="Redirect URL",
        required=False,
        max_length=2000,
        help_text="Your identity provider's OAuth callback, exactly as it sends it. "
        "https, or http only for localhost and 127.0.0.1.",
        widget=forms.URLInput(attrs={"size": 60}),
    )
    bearer_token_expiry = TokenExpiryField(required=False)

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        redirect_url = cleaned.get("redirect_url", "").strip()
        if method == ScimConnection.Method.OAUTH_AUTHORIZATION_CODE:
            if not redirect_url:
                self.add_error(
                    "redirect_url",
                    forms.ValidationError(
                        "Enter the Redirect URL: the OAuth callback of your identity provider.", code="required"
                    ),
                )
            else:
                try:
                    validate_redirect_url(redirect_url)
                except forms.ValidationError as error:
                    self.add_error("redirect_url", error)
        cleaned["redirect_url"] = redirect_url
        cleaned["bearer_token_expiry"] = cleaned.get("bearer_token_expiry") or "never"
        return cleaned


class BearerTokenForm(forms.Form):
    expiry = TokenExpiryField()
