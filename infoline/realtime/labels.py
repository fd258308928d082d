"""Translated names the desk and the wall-board show for engine values."""

from __future__ import annotations

from django.utils.translation import gettext as _


def queue_labels() -> dict[str, str]:
    """Return queue id -> name (the default routing configuration's queues)."""
    return {
        "jobseekers": _("Job seekers"),
        "employers": _("Employers"),
        "office": _("Local-office consultants"),
    }


def state_labels() -> dict[str, str]:
    """Return agent state -> name."""
    return {
        "logged_out": _("Logged out"),
        "ready": _("Ready"),
        "not_ready": _("Not ready"),
        "ringing": _("Ringing"),
        "talking": _("Talking"),
        "on_hold": _("On hold"),
        "after_call_work": _("After-call work"),
    }


def reason_labels() -> dict[str, str]:
    """Return not-ready reason -> name."""
    return {
        "login": _("Just started"),
        "missed call": _("Missed a call"),
        "break": _("Break"),
        "lunch": _("Lunch"),
        "meeting": _("Meeting"),
        "training": _("Training"),
        "other work": _("Other work"),
    }


def robot_label() -> str:
    """Return how simulated staff are named; ``%s`` is their number."""
    return _("Simulated agent %s")


def robot_name(name: str) -> str:
    """Return the shown name of a simulated agent id like ``robot-3``."""
    return robot_label() % name.rsplit("-", 1)[-1]


def skill_labels() -> dict[str, str]:
    """Return skill -> name (the default routing configuration's skills)."""
    return {
        "jobseekers": _("Job seekers"),
        "employers": _("Employers"),
        "consult": _("Local-office consultations"),
    }


def language_labels() -> dict[str, str]:
    """Return language -> name (the languages callers can choose)."""
    return {"lt": _("Lithuanian"), "ru": _("Russian"), "en": _("English")}
