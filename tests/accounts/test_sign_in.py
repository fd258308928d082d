"""Issue 3 item 5: sign-in a security officer accepts (lockout, 2FA, idle timeout, sign-out everywhere)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from infoline.accounts.models import User
from infoline.audit.models import AuditEvent
from tests.conftest import PASSWORD


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/account/login/", {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def test_wrong_password_is_refused_and_logged(agent_a: User) -> None:
    response = _login(Client(), "agent_a", "wrong-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert (
        AuditEvent.objects.filter(action="login_failed", object_repr="agent_a").count()
        == 1
    )


def test_lockout_after_repeated_failures_even_with_right_password(
    agent_a: User,
) -> None:
    client = Client()
    for _ in range(3):  # AXES_FAILURE_LIMIT in the test settings
        _login(client, "agent_a", "wrong-password")
    locked = _login(client, "agent_a")
    assert locked.status_code == 429
    assert "Account locked" in locked.content.decode()
    assert AuditEvent.objects.filter(action="lockout").exists()
    assert "_auth_user_id" not in client.session


def test_agent_signs_in_without_second_factor(agent_a: User) -> None:
    client = Client()
    assert _login(client, "agent_a").status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor_name="agent_a").exists()


@pytest.mark.parametrize("persona", ["administrator", "dpo"])
def test_roles_that_need_two_factor_must_enrol_then_verify(
    persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        _login(client, user.username)
        # Nothing is reachable before enrolment.
        response = client.get("/audit/")
        assert (
            response.status_code == 302
            and response["Location"] == "/account/2fa/setup/"
        )
        page = client.get("/account/2fa/setup/")
        assert "Your role requires a second factor" in page.content.decode()
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        wrong = "000000" if _code(device) != "000000" else "111111"
        assert (
            "That code is not right"
            in client.post("/account/2fa/setup/", {"code": wrong}).content.decode()
        )
        clock.shift(
            datetime.timedelta(seconds=5)
        )  # django-otp's back-off after a failure
        assert (
            client.post("/account/2fa/setup/", {"code": _code(device)}).status_code
            == 302
        )
        assert client.get("/audit/").status_code == 200
        assert AuditEvent.objects.filter(
            action="2fa_enrolled", actor_name=user.username
        ).exists()
        # The next sign-in asks for a code; a used code is not accepted twice.
        clock.shift(datetime.timedelta(seconds=31))
        second = Client()
        _login(second, user.username)
        response = second.get("/audit/")
        assert response.status_code == 302 and response["Location"].startswith(
            "/account/2fa/verify/"
        )
        device.refresh_from_db()
        assert (
            second.post(
                "/account/2fa/verify/?next=/audit/", {"code": _code(device)}
            ).status_code
            == 302
        )
        assert second.get("/audit/").status_code == 200


def test_enrolled_agent_must_verify_too(agent_a: User) -> None:
    device = TOTPDevice.objects.create(user=agent_a, name="phone", confirmed=True)
    client = Client()
    _login(client, "agent_a")
    assert client.get("/directory/")["Location"].startswith("/account/2fa/verify/")
    bad = client.post("/account/2fa/verify/", {"code": "12345"})
    assert "That code is not right" in bad.content.decode()
    # A failure throttles the device for a moment (django-otp's back-off).
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=5)
    with time_machine.travel(later, tick=False):
        assert (
            client.post("/account/2fa/verify/", {"code": _code(device)}).status_code
            == 302
        )
        assert client.get("/directory/").status_code == 200


def test_idle_session_ends(agent_a: User, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT = 600
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        _login(client, "agent_a")
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(seconds=590))
        assert client.get("/").status_code == 200  # activity refreshes the clock
        clock.shift(datetime.timedelta(seconds=590))
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(seconds=601))
        response = client.get("/directory/")
        assert response.status_code == 302 and response["Location"].startswith(
            "/account/login/"
        )
    assert AuditEvent.objects.filter(
        action="idle_timeout", actor_name="agent_a"
    ).exists()


def test_sign_out_everywhere_ends_other_sessions(agent_a: User) -> None:
    laptop, desk = Client(), Client()
    _login(laptop, "agent_a")
    _login(desk, "agent_a")
    assert desk.get("/").status_code == 200
    laptop.post("/account/sign-out-everywhere/")
    response = desk.get("/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/account/login/"
    )
    assert laptop.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="sessions_revoked").count() == 1
    # Signing in again works.
    again = Client()
    _login(again, "agent_a")
    assert again.get("/").status_code == 200


def test_password_validators_reject_weak_passwords(agent_a: User) -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Short1!", agent_a)
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234", agent_a)
    validate_password("long enough and uncommon 42", agent_a)


def test_language_preference_follows_the_user(agent_a: User) -> None:
    client = Client()
    _login(client, "agent_a")
    client.post("/account/language/", {"language": "lt", "next": "/"})
    agent_a.refresh_from_db()
    assert agent_a.language == "lt"
    fresh = Client()
    response = _login(fresh, "agent_a")
    assert response.cookies["django_language"].value == "lt"


def test_language_switch_refuses_foreign_redirect(agent_a: User) -> None:
    response = Client().post(
        "/account/language/", {"language": "lt", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
