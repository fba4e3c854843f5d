"""django-oauth-toolkit's request validator, bound to organizations.

Three changes to the stock OAuth2Validator (django-oauth-toolkit 3.4.1):

- A client is known only at its own organization's endpoints, so a client of one
  organization gets `invalid_client` at another organization's authorize or token URL.
- Every token request must carry the `PM.Scim` scope, and tokens belong to the
  organization's service user instead of the administrator who consented.
- A refresh token replayed within REFRESH_TOKEN_GRACE_PERIOD_SECONDS gets a fresh token
  pair. The stock validator returns the pair issued the first time instead, which it
  cannot do when only token checksums are stored (COMPLIANT_BCP_RFC9700_TOKEN_STORAGE).
"""

import logging

from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator

from security.models import ScimOAuthClient
from security.oauth.backend import ORGANIZATION_HEADER
from security.oauth_clients import SCIM_SCOPE

AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()

log = logging.getLogger(__name__)


class OrganizationOAuth2Validator(OAuth2Validator):
    def _load_application(self, client_id, request):
        application = super()._load_application(client_id, request)
        if application is None:
            return None
        organization_id = request.headers.get(ORGANIZATION_HEADER)
        belongs = (
            organization_id is not None
            and ScimOAuthClient.objects.filter(application=application, organization_id=organization_id).exists()
        )
        if not belongs:
            log.info("oauth.client_rejected client_id=%s reason=other_organization", client_id)
            request.client = None
            return None
        return application

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        """Accept only known scopes, and only requests that include `PM.Scim` (RFC 6749 §3.3)."""
        return SCIM_SCOPE in scopes and super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        person = getattr(request.user, "person", None)
        ScimOAuthClient.objects.filter(application=request.client).update(
            authorized_by_user_name=person.user_name if person else request.user.get_username(),
            authorized_at=timezone.now(),
        )

    def _save_bearer_token(self, token, request, *args, **kwargs):
        if request.grant_type in ("authorization_code", "refresh_token"):
            request.user = ScimOAuthClient.objects.get(application=request.client).token_owner
        if request.grant_type == "refresh_token":
            self._revoke_successor_of_replayed_refresh_token(request)
        return super()._save_bearer_token(token, request, *args, **kwargs)

    def _revoke_successor_of_replayed_refresh_token(self, request):
        """Revoke the pair issued for a refresh token that is being replayed within the grace period.

        validate_refresh_token accepts a rotated (revoked) refresh token only within
        the grace period and only when a successor access token was issued for it. The
        client never received that successor, or another request is racing with it, so
        the successor pair is revoked and the stock code then issues a new pair in the
        same token family. A refresh token of the revoked pair that is used later is
        rejected and, with REFRESH_TOKEN_REUSE_PROTECTION, revokes the whole family.
        """
        previous = getattr(request, "refresh_token_instance", None)
        if not isinstance(previous, RefreshToken):
            return
        # Lock first, then read: a concurrent rotation may have revoked it since validation.
        previous = RefreshToken.objects.select_for_update().get(pk=previous.pk)
        request.refresh_token_instance = previous
        if previous.revoked is None:
            return
        successor = AccessToken.objects.select_for_update().filter(source_refresh_token=previous).first()
        if successor is None:
            return
        successor_refresh = RefreshToken.objects.filter(access_token=successor).first()
        if successor_refresh is not None:
            successor_refresh.revoke()  # also deletes the successor access token
        else:
            successor.revoke()
        log.info("oauth.refresh_token_replayed_in_grace_period token_family=%s", previous.token_family)
