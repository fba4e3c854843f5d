import json

from audit.redaction import MAX_STORED_BODY_CHARACTERS, REDACTED, pretty_body, redact_body, redact_text

TOKEN = "scim_AbCdEfGhIjKl_" + "x" * 43


def test_redact_body_hides_password_and_tokens():
    body = json.dumps(
        {
            "userName": "ada@example.com",
            "password": "Okta-Placeholder-1!",
            "nested": {"client_secret": "s3cr3t", "access_token": "abc", "note": f"Bearer {TOKEN}"},
        }
    )

    stored = redact_body(body.encode())

    assert "Okta-Placeholder-1!" not in stored
    assert "s3cr3t" not in stored
    assert TOKEN not in stored
    assert json.loads(stored)["password"] == REDACTED
    assert json.loads(stored)["userName"] == "ada@example.com"


def test_redact_body_hides_patch_value_for_password_path():
    body = {"Operations": [{"op": "replace", "path": "password", "value": "New-Secret-9"}]}

    stored = json.loads(redact_body(json.dumps(body)))

    assert stored["Operations"][0]["value"] == REDACTED


def test_redact_body_form_encoded_secrets():
    stored = redact_body(b"grant_type=refresh_token&refresh_token=abc123&client_secret=zzz")

    assert "abc123" not in stored
    assert "zzz" not in stored


def test_redact_body_caps_size():
    stored = redact_body(json.dumps({"displayName": "a" * (MAX_STORED_BODY_CHARACTERS * 2)}))

    assert len(stored) < MAX_STORED_BODY_CHARACTERS + 100
    assert stored.endswith("more characters not stored]")


def test_redact_body_empty():
    assert redact_body(b"") == ""


def test_redact_body_keeps_capability_flags():
    body = {"changePassword": {"supported": False}, "patch": {"supported": True}}

    stored = json.loads(redact_body(json.dumps(body)))

    assert stored["changePassword"] == {"supported": False}


def test_redact_body_hides_object_under_secret_key():
    body = {"password": {"value": "Hunter-22"}}

    stored = json.loads(redact_body(json.dumps(body)))

    assert stored["password"] == REDACTED


def test_redact_text_hides_secret_parameters():
    text = f"GET /Users?access_token=abc123&count=1&client_secret=s3&note={TOKEN} HTTP/1.1"

    redacted = redact_text(text)

    assert redacted == "GET /Users?access_token=[redacted]&count=1&client_secret=[redacted]&note=[redacted] HTTP/1.1"


def test_redact_body_stores_body_without_secrets_as_sent():
    body = '{"Resources":[{"userName":"ada@example.com"}],   "totalResults":1}'

    assert redact_body(body.encode()) == body


def test_pretty_body_indents_whole_json_only():
    assert pretty_body('{"a":[1]}') == '{\n  "a": [\n    1\n  ]\n}'
    assert pretty_body('{"a": [1, 2') == '{"a": [1, 2'
