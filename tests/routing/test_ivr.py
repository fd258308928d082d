"""IVR flow validation (T2, T12) and routing configuration checks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from infoline.routing import (
    CheckHours,
    ChooseLanguage,
    Closed,
    ConfigError,
    End,
    Engine,
    EnterIdentityCode,
    Flow,
    FlowError,
    Menu,
    Queue,
    Say,
    ToQueue,
    always_open,
    validate_config,
    validate_flow,
)

from .helpers import MAIN, config, main_flow

QUEUES = {"benefits", "employers"}
LANGS = {"et", "ru"}


def _flow(**nodes: object) -> Flow:
    return Flow("+3726000009", "start", nodes, "et")  # type: ignore[arg-type]  # test nodes


def _problems(flow: Flow) -> tuple[str, ...]:
    with pytest.raises(FlowError) as info:
        validate_flow(flow, QUEUES, LANGS)
    return info.value.problems


def test_valid_flow_passes() -> None:
    validate_flow(main_flow(), {"benefits", "employers"}, LANGS)


def test_unknown_start_node_is_reported() -> None:
    flow = Flow("+3726000009", "nowhere", {"q": ToQueue("benefits")}, "et")
    assert "start node 'nowhere' does not exist" in _problems(flow)


def test_menu_key_leading_nowhere_is_reported() -> None:
    flow = _flow(
        start=Menu("menu", {"1": "q", "2": "missing"}, default="q"),
        q=ToQueue("benefits"),
    )
    assert _problems(flow) == ("node 'start' key '2' leads to unknown node 'missing'",)


def test_menu_without_options_and_bad_keys_are_reported() -> None:
    flow = _flow(
        start=Menu("menu", {}, default="m2"),
        m2=Menu("menu2", {"12": "q", "a": "q"}, default="q"),
        q=ToQueue("benefits"),
    )
    assert _problems(flow) == (
        "node 'start' offers no options",
        "node 'm2' key '12' is not a keypad key",
        "node 'm2' key 'a' is not a keypad key",
    )


def test_unknown_queue_and_language_are_reported() -> None:
    flow = _flow(
        start=ChooseLanguage("lang", {"1": "et", "2": "xx"}, next="q"),
        q=ToQueue("nowhere"),
    )
    assert _problems(flow) == (
        "node 'start' key '2' selects unknown language 'xx'",
        "node 'q' refers to unknown queue 'nowhere'",
    )


def test_unreachable_node_is_reported() -> None:
    flow = _flow(start=Say("hello", "q"), q=ToQueue("benefits"), orphan=End("bye"))
    assert _problems(flow) == ("node 'orphan' is unreachable from the start",)


def test_dead_end_is_reported() -> None:
    # The menu only ever leads back to itself through an information message.
    flow = _flow(
        start=Menu("menu", {"1": "info"}, default="info"), info=Say("info", "start")
    )
    assert _problems(flow) == (
        "node 'start' never reaches a queue or an end (dead end)",
        "node 'info' never reaches a queue or an end (dead end)",
    )


def test_loop_without_waiting_for_the_caller_is_reported() -> None:
    flow = _flow(
        start=Say("a", "b"),
        b=CheckHours("main", open="start", closed="q"),
        q=ToQueue("benefits"),
    )
    assert _problems(flow) == (
        "nodes 'b' -> 'start' -> 'b' loop without waiting for the caller",
    )


def test_empty_prompt_and_bad_code_length_are_reported() -> None:
    flow = _flow(start=EnterIdentityCode(" ", "q", max_digits=0), q=Closed("hours"))
    assert _problems(flow) == (
        "node 'start' has an empty prompt",
        "node 'start' max_digits must be between 1 and 32",
    )


def test_unknown_default_language_and_negative_retries_are_reported() -> None:
    flow = Flow(
        "+3726000009",
        "start",
        {"start": Menu("m", {"1": "q"}, "q", retries=-1), "q": ToQueue("benefits")},
        "xx",
    )
    assert _problems(flow) == (
        "default language 'xx' is unknown",
        "node 'start' has negative retries",
    )


def test_default_hours_are_always_open() -> None:
    assert always_open("any", 0.0)


def test_empty_flow_is_reported() -> None:
    with pytest.raises(FlowError, match="has no nodes"):
        validate_flow(_flow())


def test_config_problems_are_all_reported() -> None:
    good = config()
    bad_queues = dict(good.queues)
    bad_queues["benefits"] = replace(
        bad_queues["benefits"], skill="astrology", overflow_to="nowhere"
    )
    bad_queues["loop"] = Queue(
        "loop", "consult", overflow_to="loop", overflow_after_s=5.0, languages=("xx",)
    )
    bad_queues["half"] = Queue("half", "consult", overflow_after_s=5.0)
    bad_queues["alias"] = Queue("real", "consult", wrap_up_s=-1.0)
    flows = dict(good.flows)
    flows["+3720"] = main_flow()
    flows[MAIN] = replace(
        main_flow(), nodes={**main_flow().nodes, "to-employers": ToQueue("gone")}
    )
    broken = replace(good, queues=bad_queues, flows=flows)
    with pytest.raises(ConfigError) as info:
        validate_config(broken)
    assert info.value.problems == (
        "queue 'benefits' requires unknown skill 'astrology'",
        "queue 'benefits' overflows to unknown queue 'nowhere'",
        "queue 'loop' serves unknown language 'xx'",
        "queue 'loop' overflows to itself",
        "queue 'half' needs both overflow_to and overflow_after_s",
        "queue 'alias' is registered under another id 'real'",
        "queue 'alias' has a negative wrap-up or no ring timeout",
        f"line '{MAIN}': node 'to-employers' refers to unknown queue 'gone'",
        f"flow of line '+3720' is registered under another line '{MAIN}'",
    )
    with pytest.raises(ConfigError, match="unknown skill 'astrology'"):
        Engine(broken)
