"""The Enable SCIM wizard in headless Chromium, driven by Playwright.

Uses Debian's chromium at /usr/bin/chromium, because Playwright's own browser
download is not available here. Without it the tests are skipped, except in CI
(CI=true), where .ci/run installs it and a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest
from django.db import connections

from security.models import ScimConnection, ScimOAuthClient
from tests.factories import TEST_PASSWORD, activate_saml_sso, make_administrator, make_organization

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REDIRECT_URL = "https://system-admin.okta.example.test/admin/app/cpc/portal/oauth/callback"

os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


@pytest.fixture
def browser_page(live_server, monkeypatch):
    """A Chromium page of a fresh context, closed before the live server stops."""
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM}; install Debian's chromium package (.ci/run does)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM
    # calls are still synchronous, between browser steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context()
        yield context.new_page()
        # ORM calls made while Playwright's event loop runs get their own connection
        # (Django keeps connections per asyncio context), which must not outlive the test.
        connections.close_all()
        context.close()
        browser.close()


@pytest.fixture
def signed_in(browser_page, live_server, settings, transactional_db):
    settings.PUBLIC_BASE_URL = live_server.url
    organization = make_organization()
    activate_saml_sso(organization)
    administrator = make_administrator(organization)
    page = browser_page
    page.goto(f"{live_server.url}/{organization.name}/login/")
    page.fill("#id_username", administrator.user_name)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/{organization.name}/admin/security/")
    return page, organization, live_server.url


def test_wizard_authorization_code_to_enabled(signed_in):
    page, organization, base_url = signed_in
    assert page.text_content(".scim-status") == "Disabled"
    page.get_by_text("Directory integration and single sign-on (SSO)").wait_for()

    page.click("text=Enable SCIM")
    assert page.is_checked("input[value='oauth_authorization_code']")
    page.fill("#id_redirect_url", REDIRECT_URL)
    page.click("button:has-text('Configure')")

    application = ScimOAuthClient.objects.select_related("application").get(organization=organization).application
    assert page.input_value("#scim-url") == f"{base_url}/{organization.id}/identity_/api/scim/v2"
    assert page.input_value("#token-endpoint-uri") == f"{base_url}/{organization.id}/identity_/connect/token"
    assert page.input_value("#authorization-endpoint-uri") == (
        f"{base_url}/{organization.name}/identity_/connect/authorize"
        f"?scope=PM.Scim&acr_values=tenantName:{organization.name}"
    )
    assert page.input_value("#client-id") == application.client_id
    secret = page.input_value("#client-secret")
    assert len(secret) == 128
    assert page.locator("button[data-copy-target]").count() == 5
    assert page.get_by_text("Leave this browser tab open.").is_visible()
    assert page.text_content(".scim-status") == "Waiting for identity provider configuration"

    page.click("button:has-text('I have completed identity provider configuration')")

    assert page.text_content(".scim-status") == "Enabled"
    assert page.text_content(".scim-method") == "OAuth2 authorization code grant"
    assert secret not in page.content()
    assert ScimConnection.objects.get(organization=organization).status == ScimConnection.Status.ENABLED


def test_wizard_bearer_token_to_enabled(signed_in):
    page, organization, base_url = signed_in

    page.click("text=Enable SCIM")
    page.check("input[value='bearer_token']")
    page.select_option("#id_bearer_token_expiry", "1y")
    page.click("button:has-text('Configure')")

    assert page.input_value("#scim-url") == f"{base_url}/{organization.id}/identity_/api/scim/v2"
    assert page.input_value("#bearer-token").startswith("scim_")
    assert page.locator("#client-secret").count() == 0
    page.click("button:has-text('I have completed identity provider configuration')")
    assert page.text_content(".scim-status") == "Enabled"
    assert page.text_content(".scim-method") == "Long-lived bearer token"


def test_wizard_rejects_plain_http_redirect(signed_in):
    page, organization, _ = signed_in

    page.click("text=Enable SCIM")
    page.fill("#id_redirect_url", "http://idp.example.test/callback")
    page.click("button:has-text('Configure')")

    assert "http is accepted only for localhost and 127.0.0.1" in page.text_content(".errorlist")
    assert not ScimOAuthClient.objects.filter(organization=organization).exists()
