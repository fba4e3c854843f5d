import logging

import pytest

from security.checks import check_refresh_grace_period_with_checksum_storage
from tests.security.oauth_helpers import configure_authorization_code
from tests.security.test_oauth_endpoints import consent, exchange_code, refresh


def test_grace_period_check_passes_with_project_validator():
    assert check_refresh_grace_period_with_checksum_storage(None) == []


def test_grace_period_check_rejects_stock_validator(settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OAUTH2_VALIDATOR_CLASS": "oauth2_provider.oauth2_validators.OAuth2Validator",
    }

    errors = check_refresh_grace_period_with_checksum_storage(None)

    assert [error.id for error in errors] == ["security.E001"]


def test_grace_period_check_allows_stock_validator_without_grace(settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OAUTH2_VALIDATOR_CLASS": "oauth2_provider.oauth2_validators.OAuth2Validator",
        "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    }

    assert check_refresh_grace_period_with_checksum_storage(None) == []


@pytest.mark.django_db
def test_oauth_flow_logs_no_secret(organization, administrator, admin_client, caplog):
    caplog.set_level(logging.DEBUG)
    client_id, client_secret = configure_authorization_code(organization, administrator)

    code = consent(admin_client, organization, client_id)["code"]
    tokens = exchange_code(organization, client_id, client_secret, code).json()
    rotated = refresh(organization, client_id, client_secret, tokens["refresh_token"]).json()

    secrets = [client_secret, code, tokens["access_token"], tokens["refresh_token"], rotated["access_token"]]
    for secret in secrets:
        assert secret not in caplog.text
