"""Issue 3 item 3: settings from the environment; malformed values are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from infoline.lib.env import (
    env_bool,
    env_email_url,
    env_int,
    env_list,
    env_secret,
    env_str,
)

ROOT = Path(__file__).resolve().parents[2]


def test_empty_values_count_as_unset() -> None:
    assert env_str("X", "d", environ={"X": "  "}) == "d"
    assert env_list("X", ["a"], environ={"X": ""}) == ["a"]
    assert env_list("X", environ={"X": "a, b,,c"}) == ["a", "b", "c"]


def test_rejects_malformed_boolean_naming_the_variable() -> None:
    assert env_bool("FLAG", environ={"FLAG": "yes"}) is True
    assert env_bool("FLAG", True, environ={"FLAG": "off"}) is False
    with pytest.raises(ImproperlyConfigured, match=r"FLAG='maybe' is not a boolean"):
        env_bool("FLAG", environ={"FLAG": "maybe"})


def test_rejects_malformed_and_out_of_range_integers() -> None:
    assert env_int("N", 5, environ={}) == 5
    with pytest.raises(ImproperlyConfigured, match=r"N='ten' is not an integer"):
        env_int("N", 5, environ={"N": "ten"})
    with pytest.raises(ImproperlyConfigured, match="N=10 is above the maximum 9"):
        env_int("N", 5, maximum=9, environ={"N": "10"})
    with pytest.raises(ImproperlyConfigured, match="N=0 is below the minimum 1"):
        env_int("N", 5, minimum=1, environ={"N": "0"})


def test_secret_from_file(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret\n", encoding="utf-8")
    assert env_secret("KEY", environ={"KEY_FILE": str(secret)}) == "s3cret"
    with pytest.raises(
        ImproperlyConfigured, match="Set either KEY or KEY_FILE, not both"
    ):
        env_secret("KEY", environ={"KEY": "a", "KEY_FILE": str(secret)})
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_secret("KEY", environ={"KEY_FILE": str(tmp_path / "missing")})
    (tmp_path / "empty").write_text("", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="is empty"):
        env_secret("KEY", environ={"KEY_FILE": str(tmp_path / "empty")})


def test_email_url_variants() -> None:
    smtp = env_email_url(
        environ={"EMAIL_URL": "smtp://u%40x:p%2Fw@mail.example.org:2525"}
    )
    assert smtp["EMAIL_HOST"] == "mail.example.org"
    assert smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_USER"] == "u@x"
    assert smtp["EMAIL_HOST_PASSWORD"] == "p/w"
    assert smtp["EMAIL_USE_TLS"] is True
    assert env_email_url(environ={"EMAIL_URL": "smtps://h"})["EMAIL_PORT"] == 465
    assert (
        env_email_url(environ={"EMAIL_URL": "file:///tmp/mail"})["EMAIL_FILE_PATH"]
        == "/tmp/mail"
    )
    with pytest.raises(ImproperlyConfigured, match="the scheme must be"):
        env_email_url(environ={"EMAIL_URL": "pigeon://loft"})
    with pytest.raises(ImproperlyConfigured, match="names no host"):
        env_email_url(environ={"EMAIL_URL": "smtp://"})


def _django(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "INFOLINE_", "DATABASE_URL"))
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "infoline.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


STRONG_KEY = "k" * 20 + "Zq8-Xr2_Lw9!Pe4@Ts7#" + "m" * 20


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    result = _django(
        {"INFOLINE_PRODUCTION": "1", "INFOLINE_VAR_DIR": str(tmp_path)}, "check"
    )
    assert result.returncode != 0
    assert (
        "INFOLINE_PRODUCTION=1 requires SECRET_KEY (or SECRET_KEY_FILE)."
        in result.stderr
    )


def test_production_refuses_weak_key_and_missing_hosts(tmp_path: Path) -> None:
    weak = _django(
        {
            "INFOLINE_PRODUCTION": "1",
            "SECRET_KEY": "django-insecure-abc",
            "INFOLINE_VAR_DIR": str(tmp_path),
        },
        "check",
    )
    assert "SECRET_KEY is too weak" in weak.stderr
    hosts = _django(
        {
            "INFOLINE_PRODUCTION": "1",
            "SECRET_KEY": STRONG_KEY,
            "INFOLINE_VAR_DIR": str(tmp_path),
        },
        "check",
    )
    assert "INFOLINE_PRODUCTION=1 requires ALLOWED_HOSTS" in hosts.stderr


def test_production_passes_check_deploy(tmp_path: Path) -> None:
    result = _django(
        {
            "INFOLINE_PRODUCTION": "1",
            "SECRET_KEY": STRONG_KEY,
            "ALLOWED_HOSTS": "infoline.example.org",
            "INFOLINE_VAR_DIR": str(tmp_path),
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps' is not a boolean"),
        (
            {"TIME_ZONE": "Mars/Olympus"},
            "TIME_ZONE='Mars/Olympus' is not a known time zone.",
        ),
        (
            {"LANGUAGE_CODE": "xx"},
            "LANGUAGE_CODE='xx' is not one of en, lt, et, pl, da, ru.",
        ),
        (
            {"SESSION_IDLE_TIMEOUT": "soon"},
            "SESSION_IDLE_TIMEOUT='soon' is not an integer.",
        ),
        ({"EMAIL_URL": "ftp://x"}, "the scheme must be smtp"),
    ],
)
def test_malformed_variable_stops_the_server_naming_it(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = _django({**env, "INFOLINE_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert message in result.stderr
