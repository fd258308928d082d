"""Settings for the test suite: fast hashing, in-memory mail, immediate tasks."""

from infoline.settings import *  # noqa: F403 -- the test settings extend the real ones

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_FAILURE_LIMIT = 3
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tables are flushed between transactional tests; tests/audit installs the
# append-only triggers itself where it proves them.
AUDIT_DB_TRIGGERS = False
