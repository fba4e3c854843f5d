"""A browser-less administrator of the live server: sign in, run the wizard, consent.

Used by the end-to-end tests, which drive the portal over HTTP with `requests`.
"""

import html
import re

import requests

from tests.factories import TEST_PASSWORD

VALUE_IDS = {
    "scim_url": "scim-url",
    "token_endpoint_uri": "token-endpoint-uri",
    "authorization_endpoint_uri": "authorization-endpoint-uri",
    "client_id": "client-id",
    "client_secret": "client-secret",
    "bearer_token": "bearer-token",
}


def csrf_token_of(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def hidden_fields_of(page):
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }


def shown_values(page):
    """Return the values the credentials page shows, by name, html-unescaped."""
    values = {}
    for name, element_id in VALUE_IDS.items():
        match = re.search(rf'id="{element_id}" value="([^"]*)"', page)
        if match:
            values[name] = html.unescape(match.group(1))
    return values


class LiveAdministrator:
    def __init__(self, base_url, organization, person, password=TEST_PASSWORD):
        self.base_url = base_url
        self.organization = organization
        self.session = requests.Session()
        login_url = f"{base_url}/{organization.name}/login/"
        page = self.session.get(login_url).text
        response = self.session.post(
            login_url,
            {"csrfmiddlewaretoken": csrf_token_of(page), "username": person.user_name, "password": password},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text

    def url(self, path):
        return f"{self.base_url}/{self.organization.name}/admin/security/{path}"

    def post_form(self, path, data=None, *, form_page="scim/manage/"):
        page = self.session.get(self.url(form_page)).text
        return self.session.post(self.url(path), {"csrfmiddlewaretoken": csrf_token_of(page), **(data or {})})

    def configure(self, method, redirect_url=""):
        data = {"method": method, "redirect_url": redirect_url, "bearer_token_expiry": "never"}
        response = self.post_form("scim/enable/", data, form_page="scim/enable/")
        assert response.status_code == 200, response.text
        return shown_values(response.text)

    def consent(self, authorization_url, allow=True):
        """Open the authorization URL as this administrator and submit the consent page.

        Returns the final response without following the redirect to the client.
        """
        page = self.session.get(authorization_url, allow_redirects=False)
        if page.status_code != 200:
            return page
        data = hidden_fields_of(page.text)
        if allow:
            data["allow"] = "true"
        return self.session.post(authorization_url, data, allow_redirects=False)
