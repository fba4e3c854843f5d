"""Settings for the test suite: the real settings with test-only defaults.

DATABASE_URL still decides the database, so the same suite runs on SQLite and on
PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-suite-secret-key-not-for-deployment-0123456789")
os.environ.setdefault("PUBLIC_BASE_URL", "http://testserver")

from uipath_identity.settings import *  # noqa: E402,F403

# A fast hasher keeps tests that create administrators quick; production keeps PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
# Each test runs in a transaction that the activity writer's thread could not see, so
# rows are written one by one. tests/audit/test_activity_writer.py covers the batches.
PROVISIONING_ACTIVITY_BATCH_MS = 0
