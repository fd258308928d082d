from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKOUT = "lockout", _("Locked out")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Two-factor enrolled")
    TWO_FACTOR_VERIFIED = "2fa_verified", _("Two-factor verified")
    TWO_FACTOR_FAILED = "2fa_failed", _("Two-factor code rejected")
    ROLE_CHANGED = "role_changed", _("Role changed")
    SESSIONS_REVOKED = "sessions_revoked", _("Signed out everywhere")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    IDLE_TIMEOUT = "idle_timeout", _("Session expired after inactivity")
    IMPORT = "import", _("Imported from a file")
