"""System checks of the OAuth 2.0 configuration."""

from django.core import checks
from django.utils.module_loading import import_string
from oauth2_provider.settings import oauth2_settings


@checks.register(checks.Tags.security)
def check_refresh_grace_period_with_checksum_storage(app_configs, **kwargs):
    """Replace django-oauth-toolkit's check oauth2_provider.E001 (3.4.1), which the settings silence.

    With checksum-only token storage the stock validator returns blank tokens for a
    refresh token replayed within the grace period. OrganizationOAuth2Validator
    issues a new pair instead, so the combination is allowed only with it.
    """
    from security.oauth.validator import OrganizationOAuth2Validator

    validator_class = oauth2_settings.OAUTH2_VALIDATOR_CLASS
    if isinstance(validator_class, str):
        validator_class = import_string(validator_class)
    if (
        oauth2_settings.COMPLIANT_BCP_RFC9700_TOKEN_STORAGE
        and oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS > 0
        and not issubclass(validator_class, OrganizationOAuth2Validator)
    ):
        return [
            checks.Error(
                "A refresh token grace period with checksum-only token storage needs "
                "OAUTH2_VALIDATOR_CLASS = security.oauth.validator.OrganizationOAuth2Validator "
                f"(or a subclass), not {validator_class.__module__}.{validator_class.__qualname__}.",
                hint="Set OAUTH2_PROVIDER['OAUTH2_VALIDATOR_CLASS'] or set REFRESH_TOKEN_GRACE_PERIOD_SECONDS to 0.",
                id="security.E001",
            )
        ]
    return []
