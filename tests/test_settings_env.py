"""Start-up validation of the environment, run in a fresh interpreter each time."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from uipath_identity.env import env_base_url, env_bool, env_database, env_int, env_str

PROJECT_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_LIKE = {
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef",
    "PUBLIC_BASE_URL": "https://identity.example.com",
    "DATABASE_URL": "sqlite:////tmp/identity-settings-check.sqlite3",
}


def run_manage(*args, **environment):
    base = {name: value for name, value in os.environ.items() if name not in {"SECRET_KEY", "PUBLIC_BASE_URL", "DEBUG", "DEMO_MODE", "DATABASE_URL"}}
    base["DJANGO_SETTINGS_MODULE"] = "uipath_identity.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**base, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_start_up():
    result = run_manage("check", PUBLIC_BASE_URL="https://identity.example.com")

    assert result.returncode != 0
    assert "SECRET_KEY is required but not set" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, got 'maybe'."),
        ("PUBLIC_BASE_URL", "identity.example.com", "PUBLIC_BASE_URL must be a scheme and host"),
        ("PUBLIC_BASE_URL", "https://identity.example.com/path", "PUBLIC_BASE_URL must be a scheme and host"),
        ("DATABASE_URL", "nonsense://x", "DATABASE_URL must be a database URL"),
        ("SESSION_COOKIE_AGE", "soon", "SESSION_COOKIE_AGE must be a whole number, got 'soon'."),
    ],
)
def test_malformed_variable_stops_start_up(variable, value, message):
    result = run_manage("check", **{**PRODUCTION_LIKE, variable: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_LIKE)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_env_str_reads_secret_file(tmp_path, monkeypatch):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.delenv("SOME_SECRET", raising=False)
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret_file))

    assert env_str("SOME_SECRET") == "from-a-file"


def test_env_str_missing_secret_file_names_variable(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("SOME_SECRET", raising=False)
    monkeypatch.setenv("SOME_SECRET_FILE", "/nonexistent/secret")

    with pytest.raises(ImproperlyConfigured, match="SOME_SECRET_FILE names '/nonexistent/secret'"):
        env_str("SOME_SECRET")


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("ON", True), ("0", False), ("no", False), ("", False)])
def test_env_bool_words(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)

    assert env_bool("FLAG", default=False) is expected


def test_env_int_minimum(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("NUMBER", "-1")

    with pytest.raises(ImproperlyConfigured, match="NUMBER must be at least 0, got -1."):
        env_int("NUMBER", 5, minimum=0)


def test_env_base_url_drops_trailing_slash(monkeypatch):
    monkeypatch.setenv("BASE", "https://id.example.com:8443/")

    assert env_base_url("BASE") == "https://id.example.com:8443"


def test_env_database_postgresql(monkeypatch):
    monkeypatch.setenv("DB", "postgresql://app@127.0.0.1:5432/identity")

    config = env_database("DB", "sqlite:///unused.sqlite3")

    assert config["ENGINE"] == "uipath_identity.postgresql"
    assert config["NAME"] == "identity"
    assert config["HOST"] == "127.0.0.1"


def test_env_database_prepared_statements_on(monkeypatch):
    monkeypatch.setenv("DB", "postgresql://app@127.0.0.1:5432/identity")

    config = env_database("DB", "sqlite:///unused.sqlite3", prepared_statements=True)

    assert config["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_env_database_prepared_statements_off(monkeypatch):
    monkeypatch.setenv("DB", "postgresql://app@127.0.0.1:5432/identity")

    config = env_database("DB", "sqlite:///unused.sqlite3")

    assert "server_side_binding" not in config.get("OPTIONS", {})
    assert "prepare_threshold" not in config.get("OPTIONS", {})


def test_env_database_sqlite_options(monkeypatch):
    monkeypatch.setenv("DB", "sqlite:////tmp/identity.sqlite3")

    config = env_database("DB", "sqlite:///unused.sqlite3", prepared_statements=True)

    assert config["CONN_MAX_AGE"] == 0
    assert "server_side_binding" not in config.get("OPTIONS", {})
