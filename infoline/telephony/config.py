"""The routing configuration the runner starts the engine with.

Until administrators edit queues and IVR flows in the application, every
public line of the organisation (``accounts.PublicLine``) gets the same
flow: greeting, recording notice (T5), language choice, identity code by
keypad (A2), a menu of job seekers / employers / recorded information
(PL 15). Job seekers' calls overflow to local-office consultants after
two minutes (T11); callers waiting longer than three minutes are offered a
callback (C1). The calendar check is left out so that the simulated demo
runs at any hour; with real flows ``CheckHours`` uses the line's calendar.

Agent ids in the engine are user ids as strings; simulated "robot" staff
have ids ``robot-<n>`` and no user.
"""

from __future__ import annotations

from typing import Any

from infoline.accounts.choices import Role
from infoline.routing import (
    ChooseLanguage,
    End,
    EnterIdentityCode,
    Flow,
    Menu,
    Queue,
    RecordingNotice,
    RoutingConfig,
    Say,
    ToQueue,
)

__all__ = [
    "DEFAULT_LINE",
    "LANGUAGE_KEYS",
    "MENU_KEYS",
    "ROBOT_PREFIX",
    "agent_id_of",
    "default_config",
    "profile_of",
    "robot_profile",
    "user_id_of",
]

DEFAULT_LINE = "+37052000000"
ROBOT_PREFIX = "robot-"
LANGUAGES = ("lt", "ru", "en")
# Keys callers press, with their shares: language menu and main menu. The
# main menu's shares follow the Anonymous Bank's call types (regular
# services about two thirds, the rest mostly for the employers' desk).
LANGUAGE_KEYS = (("1", 0.8), ("2", 0.15), ("3", 0.05))
MENU_KEYS = (("1", 0.64), ("2", 0.32), ("3", 0.04))


def _flow(line: str) -> Flow:
    return Flow(
        line=line,
        start="greeting",
        language="lt",
        nodes={
            "greeting": Say("greeting", next="notice"),
            "notice": RecordingNotice("recording-notice", next="language"),
            "language": ChooseLanguage(
                "choose-language", {"1": "lt", "2": "ru", "3": "en"}, next="code"
            ),
            "code": EnterIdentityCode("enter-identity-code", next="menu"),
            "menu": Menu(
                "main-menu",
                {"1": "jobseekers", "2": "employers", "3": "information"},
                default="jobseekers",
                retries=1,
            ),
            "information": End("information-recorded"),
            "jobseekers": ToQueue("jobseekers"),
            "employers": ToQueue("employers"),
        },
    )


def default_config(lines: tuple[str, ...]) -> RoutingConfig:
    """Return queues and flows for ``lines`` (the default line if none)."""
    lines = lines or (DEFAULT_LINE,)
    queues = {
        "jobseekers": Queue(
            "jobseekers",
            "jobseekers",
            languages=LANGUAGES,
            overflow_after_s=120.0,
            overflow_to="office",
            callback_offer_s=180.0,
            announce_every_s=60.0,
            wrap_up_s=30.0,
            ring_timeout_s=15.0,
            service_level_s=20.0,
            default_handle_s=180.0,
        ),
        "employers": Queue(
            "employers",
            "employers",
            priority=1,
            languages=LANGUAGES,
            callback_offer_s=180.0,
            wrap_up_s=30.0,
            ring_timeout_s=15.0,
            service_level_s=20.0,
            default_handle_s=180.0,
        ),
        "office": Queue(
            "office",
            "consult",
            announce_every_s=None,
            wrap_up_s=30.0,
            ring_timeout_s=15.0,
        ),
    }
    return RoutingConfig(
        queues=queues,
        flows={line: _flow(line) for line in lines},
        skills=frozenset({"jobseekers", "employers", "consult"}),
        languages=frozenset(LANGUAGES),
    )


Skills = tuple[tuple[str, int], ...]


def profile_of(role: str) -> tuple[Skills, Skills]:
    """Return (skills, languages) an agent of ``role`` logs in with.

    First-line roles answer both queues; specialists (local-office
    consultants included) take the overflow. Levels become editable per
    agent when team leads change skills (S1).
    """
    languages: Skills = (("lt", 3), ("ru", 2), ("en", 2))
    if role == Role.SPECIALIST:
        return (("consult", 2),), languages
    return (("jobseekers", 2), ("employers", 1)), languages


def robot_profile() -> tuple[Skills, Skills]:
    """Return the skills of simulated staff: every queue, every language."""
    return (
        (("jobseekers", 2), ("employers", 2), ("consult", 1)),
        tuple((lang, 3) for lang in LANGUAGES),
    )


def agent_id_of(user: Any) -> str:
    """Return the engine's id of a user."""
    return str(user.pk)


def user_id_of(agent_id: str) -> int | None:
    """Return the user id behind an engine agent id, ``None`` for robots."""
    return int(agent_id) if agent_id.isdigit() else None
