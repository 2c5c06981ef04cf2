"""Test settings: base settings with fast hashing and in-memory mail; the database is as configured."""

import os

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
TESTING = True  # lets the test-database flush lift the audit triggers (core/management/commands/flush.py)
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

# Several test runs can share one PostgreSQL server when each names its own test database.
if os.environ.get("UPSTREAM_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["UPSTREAM_TEST_DB_NAME"]}
