"""Typed readers of environment variables for the settings module.

Each reader rejects a malformed value with ``ImproperlyConfigured`` naming the
variable, so a misconfigured server refuses to start instead of running with a
surprising default. Secrets may also come from a file named by ``NAME_FILE``
(Docker and systemd credentials put them there).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "env_bool",
    "env_email_url",
    "env_int",
    "env_list",
    "env_secret",
    "env_str",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    """Return the variable's value, treating an empty string as unset."""
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(
    name: str, default: str = "", environ: Mapping[str, str] | None = None
) -> str:
    """Return a string variable, or ``default`` when unset or empty."""
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(
    name: str, default: bool = False, environ: Mapping[str, str] | None = None
) -> bool:
    """Return a boolean variable written as 1/0, true/false, yes/no or on/off."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no or on/off."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Return an integer variable within the optional bounds."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum {maximum}.")
    return number


def env_list(
    name: str,
    default: list[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """Return a comma-separated list variable without empty items."""
    value = _raw(name, environ)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(
    name: str, default: str = "", environ: Mapping[str, str] | None = None
) -> str:
    """Return a secret from ``NAME`` or from the file named by ``NAME_FILE``.

    Setting both is ambiguous and rejected; an unreadable or empty file too.
    """
    direct = _raw(name, environ)
    file_name = _raw(f"{name}_FILE", environ)
    if direct is not None and file_name is not None:
        raise ImproperlyConfigured(f"Set either {name} or {name}_FILE, not both.")
    if file_name is None:
        return default if direct is None else direct
    try:
        content = Path(file_name).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{name}_FILE={file_name!r} cannot be read: {exc.strerror}."
        ) from None
    if not content:
        raise ImproperlyConfigured(f"{name}_FILE={file_name!r} is empty.")
    return content


def env_email_url(
    name: str = "EMAIL_URL", environ: Mapping[str, str] | None = None
) -> dict[str, object]:
    """Translate ``EMAIL_URL`` into Django e-mail settings.

    ``smtp://user:password@host:587`` (STARTTLS), ``smtps://...:465`` (implicit
    TLS), ``console://`` and ``file:///path/to/dir``. Unset means the file
    backend writing into the instance's ``var/mail`` folder (the demo's outbox).
    """
    from urllib.parse import unquote, urlsplit

    value = _raw(name, environ)
    if value is None:
        return {}
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured(f"{name}={value!r} names no folder.")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parts.path,
        }
    if scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name}={value!r} names no host.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}={value!r} has a malformed port."
            ) from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp",
            "EMAIL_USE_SSL": scheme == "smtps",
        }
    raise ImproperlyConfigured(
        f"{name}={value!r}: the scheme must be smtp, smtps, console, file or locmem."
    )
