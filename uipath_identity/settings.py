"""Django settings for the identity portal.

Every value that differs between the demo, development and production comes from
an environment variable read here through the helpers in uipath_identity.env. The
README lists them. DEMO_MODE=true relaxes what a local one-command run needs: a
generated SECRET_KEY kept in var/, a SQLite database and an http base URL.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from uipath_identity.env import (
    env_base_url,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEMO_MODE = env_bool("DEMO_MODE", False)
DEBUG = env_bool("DEBUG", False)


def _demo_secret_key():
    """Return the demo's secret key, generating it into var/ on the first run."""
    key_file = VAR_DIR / "demo-secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEMO_MODE:
        raise ImproperlyConfigured(
            "SECRET_KEY is required but not set (or set SECRET_KEY_FILE to a file that "
            "contains it). Only DEMO_MODE=true generates one."
        )
    SECRET_KEY = _demo_secret_key()

PUBLIC_BASE_URL = env_base_url(
    "PUBLIC_BASE_URL",
    "http://127.0.0.1:8000" if DEMO_MODE or DEBUG else None,
    required=not (DEMO_MODE or DEBUG),
)
_public_url = urlsplit(PUBLIC_BASE_URL)
PUBLIC_URL_IS_HTTPS = _public_url.scheme == "https"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [_public_url.hostname, "127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [PUBLIC_BASE_URL])

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}",
        prepared_statements=env_bool("DATABASE_PREPARED_STATEMENTS", False),
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "oauth2_provider",
    "django_scim",
    "accounts",
    "security",
    "scim",
    "audit",
    "sso",
]

MIDDLEWARE = [
    "uipath_identity.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.recording.ProvisioningActivityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "uipath_identity.urls"
WSGI_APPLICATION = "uipath_identity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    # Organization people sign in with their organization's user name.
    "accounts.backends.OrganizationPersonBackend",
    # Operators sign in to the Django admin at /admin/ with their auth user name.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The demo and the tests serve static files straight from the app folders through
# WhiteNoise's finders; production serves what collectstatic gathered in STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = None if WHITENOISE_USE_FINDERS else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# HTTPS hardening follows the public base URL: a deployment served over https gets
# secure cookies, HSTS and a redirect from http. SECURE_PROXY_SSL_HEADER is needed
# when a TLS-terminating proxy forwards plain http to gunicorn.
SESSION_COOKIE_SECURE = PUBLIC_URL_IS_HTTPS
CSRF_COOKIE_SECURE = PUBLIC_URL_IS_HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PUBLIC_URL_IS_HTTPS and not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PUBLIC_URL_IS_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Submitting a domain to the browsers' HSTS preload list is the operator's decision
# (SECURE_HSTS_PRELOAD), not a defect of the deployment.
SILENCED_SYSTEM_CHECKS = [
    "security.W021",
    # django-oauth-toolkit's E001 rejects a refresh grace period with checksum-only
    # token storage because its stock validator would return a blank token.
    # security.checks.E001 replaces it: the same combination is an error unless
    # OAUTH2_VALIDATOR_CLASS is OrganizationOAuth2Validator, which handles it.
    "oauth2_provider.E001",
]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"



def _pkce_required(client_id):
    """Return whether an authorization request must carry PKCE.

    Okta's SCIM connector, a confidential client, is not documented to send PKCE, so
    it is optional. A challenge that is sent is still verified, and only S256 is
    accepted (COMPLIANT_BCP_RFC9700_PKCE_METHOD).
    """
    return False


# Named explicitly because security.ScimOAuthClient points at it and its migration
# refers to the setting; the stock model is kept (see that model's docstring).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

OAUTH2_PROVIDER = {
    "SCOPES": {
        "PM.Scim": "Create, update and deactivate the organization's people through SCIM",
        "offline_access": "Keep access with refresh tokens",
    },
    "DEFAULT_SCOPES": ["PM.Scim"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OAUTH_ACCESS_TOKEN_SECONDS", 3600, minimum=60),
    # Idle lifetime of a refresh token, so an abandoned integration stops working.
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("OAUTH_REFRESH_TOKEN_SECONDS", 90 * 24 * 3600, minimum=3600),
    "ROTATE_REFRESH_TOKEN": True,
    # A client whose refresh response was lost can replay the previous refresh token
    # for this long. The stock validator would return the earlier pair, which is not
    # stored under checksum-only storage; OrganizationOAuth2Validator issues a new pair
    # and revokes the lost one instead (see security.checks for oauth2_provider.E001).
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": env_int("OAUTH_REFRESH_GRACE_SECONDS", 120, minimum=0),
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "PKCE_REQUIRED": _pkce_required,
    "OAUTH2_VALIDATOR_CLASS": "security.oauth.validator.OrganizationOAuth2Validator",
    "OAUTH2_BACKEND_CLASS": "security.oauth.backend.OrganizationOAuthLibCore",
    # The RFC 9207 `iss` of authorization responses comes from the public base URL,
    # never from the request's Host header.
    "OIDC_ISS_ENDPOINT": PUBLIC_BASE_URL,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
}

# Days of SCIM provisioning activity that prune_provisioning_activity keeps.
PROVISIONING_ACTIVITY_RETENTION_DAYS = env_int("PROVISIONING_ACTIVITY_RETENTION_DAYS", 30, minimum=1)
# Milliseconds that provisioning activity rows wait in memory to be written together
# (audit.activity_writer). With 0, each row is written after its own response.
PROVISIONING_ACTIVITY_BATCH_MS = env_int("PROVISIONING_ACTIVITY_BATCH_MS", 0, minimum=0)

# "console" is readable in a terminal; "json" is one object per line for log shippers.
LOG_FORMAT = env_str("LOG_FORMAT", "console" if DEBUG or DEMO_MODE else "json")
if LOG_FORMAT not in ("console", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be console or json, got {LOG_FORMAT!r}.")

# django-scim2 reads this dict once, when its modules are imported, so tests cannot
# override it. The views in scim.views replace its request authentication.
SCIM_SERVICE_PROVIDER = {
    "NETLOC": _public_url.netloc,
    "SCHEME": _public_url.scheme,
    "AUTHENTICATION_SCHEMES": [{"type": "oauthbearertoken", "name": "OAuth Bearer Token"}],
    "WWW_AUTHENTICATE_HEADER": 'Bearer realm="SCIM"',
    "USER_MODEL_GETTER": "scim.adapters.person_model",
    "USER_ADAPTER": "scim.adapters.ScimPerson",
    "USER_FILTER_PARSER": "scim.filters.PersonFilter",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "uipath_identity.logging.RequestIdFilter"},
        "redact_secrets": {"()": "uipath_identity.logging.SecretRedactionFilter"},
    },
    "formatters": {
        "console": {"()": "uipath_identity.logging.ConsoleFormatter"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"message": "event", "asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id", "redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # django-scim2 logs request and response bodies at DEBUG, which would put
        # provisioned people's attributes in the log.
        "django_scim": {"level": "INFO"},
        # pysaml2 7.5 logs assertions, Name IDs and attribute values at DEBUG and
        # INFO and quotes assertions in some errors, so it is silenced and sso.views
        # logs each rejection's reason and ids instead.
        "saml2": {"level": "CRITICAL"},
        # xmlschema, which pysaml2 imports, logs each schema it loads at INFO.
        "xmlschema": {"level": "WARNING"},
        # django-oauth-toolkit 3.4.1 logs the authorization response URL, code
        # included, at DEBUG; oauthlib logs request details at DEBUG too.
        "oauth2_provider": {"level": "INFO"},
        "oauthlib": {"level": "INFO"},
        # The development server's request lines, through the handler that redacts
        # tokens in query strings, instead of Django's default handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
