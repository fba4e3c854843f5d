"""A local SAML identity provider for trying single sign-on by hand; run it through bin/saml-test-idp.

It serves on 127.0.0.1 only and signs responses with a key generated into
var/saml-test-idp/ on the first run. It authenticates no one, because its form
signs an assertion for whatever email is typed in, so it must never face a network.
"""

import argparse
import html
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import django

BASE_DIR = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("organization", help="URL name of the organization whose service provider it serves")
    parser.add_argument("--port", type=int, default=8900, help="TCP port on 127.0.0.1 (default 8900)")
    arguments = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uipath_identity.settings")
    django.setup()
    from saml2 import BINDING_HTTP_REDIRECT

    from accounts.models import Organization
    from sso.saml import service_provider_metadata_xml, service_provider_urls
    from tests.sso.identity_provider import TestIdentityProvider

    organization = Organization.objects.filter(name=arguments.organization).first()
    if organization is None:
        sys.exit(f"No organization has the URL name {arguments.organization!r}.")
    base_url = f"http://127.0.0.1:{arguments.port}"
    key_directory = BASE_DIR / "var" / "saml-test-idp"
    key_directory.mkdir(parents=True, exist_ok=True)
    provider = TestIdentityProvider(
        key_directory,
        service_provider_metadata_xml(organization),
        entity_id=f"{base_url}/metadata",
        sso_url=f"{base_url}/sso",
        keep_existing_key=True,
    )
    sp_urls = service_provider_urls(organization)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if url.path == "/metadata":
                self._send(provider.metadata_xml(), "application/samlmetadata+xml")
            elif url.path == "/sso" and "SAMLRequest" in query:
                request = provider.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
                self._send(_sign_in_form(organization, request.message.id, query.get("RelayState", [""])[0]))
            elif url.path == "/":
                self._send(_sign_in_form(organization, "", ""))
            else:
                self.send_error(404)

        def do_POST(self):
            if self.path != "/respond":
                self.send_error(404)
                return
            length = int(self.headers.get("Content-Length", "0"))
            form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
            attributes = {"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": [form["email"]]}
            if form.get("external_id"):
                attributes["externalId"] = [form["external_id"]]
            xml_text = provider.response_xml(
                email=form["email"],
                destination=sp_urls.acs_url,
                audience=sp_urls.entity_id,
                in_response_to=form.get("request_id") or None,
                attributes=attributes,
            )
            self._send(
                '<!doctype html><body onload="document.forms[0].submit()">'
                f'<form method="post" action="{html.escape(sp_urls.acs_url)}">'
                f'<input type="hidden" name="SAMLResponse" value="{provider.encode(xml_text)}">'
                f'<input type="hidden" name="RelayState" value="{html.escape(form.get("relay_state", ""))}">'
                "<noscript><button>Continue</button></noscript></form></body>"
            )

        def _send(self, body, content_type="text/html; charset=utf-8"):
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    print(f"Test identity provider for {organization.name} on {base_url}")
    print(f"  metadata to paste into Admin > Security > Configure SAML: {base_url}/metadata")
    print(f"  IdP-initiated sign-in: {base_url}/")
    HTTPServer(("127.0.0.1", arguments.port), Handler).serve_forever()


def _sign_in_form(organization, request_id, relay_state):
    started_by = "the portal (SP-initiated)" if request_id else "this identity provider (IdP-initiated)"
    return (
        "<!doctype html><title>Test identity provider</title>"
        f"<h1>Test identity provider for {html.escape(organization.display_name)}</h1>"
        f"<p>Sign-in started by {started_by}. This test identity provider signs an assertion for any email.</p>"
        '<form method="post" action="/respond">'
        f'<input type="hidden" name="request_id" value="{html.escape(request_id)}">'
        f'<input type="hidden" name="relay_state" value="{html.escape(relay_state)}">'
        '<p><label>Email (Name ID) <input name="email" required></label></p>'
        '<p><label>externalId claim (optional) <input name="external_id"></label></p>'
        "<button>Sign in</button></form>"
    )


if __name__ == "__main__":
    main()
