"""IVR flows as data administrators edit: JSON-friendly dicts to ``routing.ivr.Flow`` and back.

A stored flow is ``{"start": name, "language": code, "nodes": {name: node}}``
where each node is ``{"kind": ..., <the node's fields>}``; ``kind`` is one of
``KINDS``. ``flow_from_data`` refuses anything else with one message per
problem (``FlowDataError``), so a malformed row never reaches the engine;
``routing.ivr.validate_flow`` then checks the graph (dead ends, unknown
targets, loops).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any

from infoline.routing.ivr import (
    CheckHours,
    ChooseLanguage,
    Closed,
    End,
    EnterIdentityCode,
    Flow,
    Menu,
    Node,
    RecordingNotice,
    Say,
    ToQueue,
)

__all__ = ["KINDS", "FlowDataError", "flow_from_data", "flow_to_data"]

KINDS: dict[str, type[Node]] = {
    "say": Say,
    "recording_notice": RecordingNotice,
    "choose_language": ChooseLanguage,
    "menu": Menu,
    "enter_identity_code": EnterIdentityCode,
    "check_hours": CheckHours,
    "to_queue": ToQueue,
    "closed": Closed,
    "end": End,
}
_KIND_OF = {cls: kind for kind, cls in KINDS.items()}
_NUMBERS = {
    "timeout_s": float,
    "max_message_s": float,
    "retries": int,
    "max_digits": int,
}


class FlowDataError(ValueError):
    """Stored flow data that cannot become a flow; ``problems`` lists each defect."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def flow_to_data(flow: Flow) -> dict[str, Any]:
    """The flow as plain data (dicts, strings, numbers, booleans)."""
    nodes: dict[str, Any] = {}
    for name, node in flow.nodes.items():
        data: dict[str, Any] = {"kind": _KIND_OF[type(node)]}
        for field in fields(node):
            value = getattr(node, field.name)
            data[field.name] = dict(value) if isinstance(value, Mapping) else value
        nodes[name] = data
    return {"start": flow.start, "language": flow.language, "nodes": nodes}


def _node(name: str, data: Any, problems: list[str]) -> Node | None:
    if not isinstance(data, Mapping):
        problems.append(f"node {name!r} is not an object")
        return None
    kind = data.get("kind")
    cls = KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        problems.append(f"node {name!r} has unknown kind {kind!r}")
        return None
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    before = len(problems)
    for key, value in data.items():
        if key == "kind":
            continue
        if key not in known:
            problems.append(f"node {name!r} ({kind}) has no field {key!r}")
            continue
        if key == "options":
            if not isinstance(value, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                problems.append(f"node {name!r} options must map keys to names")
                continue
            value = dict(value)
        elif key in _NUMBERS:
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"node {name!r} {key} must be a number")
                continue
            value = _NUMBERS[key](value)
        elif key == "take_message":
            if not isinstance(value, bool):
                problems.append(f"node {name!r} take_message must be true or false")
                continue
        elif not isinstance(value, str):
            problems.append(f"node {name!r} {key} must be text")
            continue
        values[key] = value
    missing = [
        f.name
        for f in known.values()
        if f.name not in values
        and f.default is MISSING
        and f.default_factory is MISSING
    ]
    if missing:
        problems.append(f"node {name!r} ({kind}) lacks {', '.join(missing)}")
    if len(problems) > before:
        return None  # build nothing half-valid
    return cls(**values)


def flow_from_data(line: str, data: Any) -> Flow:
    """Build the flow of ``line`` from stored data; ``FlowDataError`` lists every defect."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise FlowDataError(["the flow is not an object"])
    start = data.get("start")
    language = data.get("language")
    raw_nodes = data.get("nodes")
    if not isinstance(start, str) or not start:
        problems.append("the flow has no start node")
    if not isinstance(language, str) or not language:
        problems.append("the flow has no default language")
    if not isinstance(raw_nodes, Mapping) or not raw_nodes:
        problems.append("the flow has no nodes")
        raise FlowDataError(problems)
    nodes: dict[str, Node] = {}
    for name, raw in raw_nodes.items():
        if not isinstance(name, str) or not name.strip():
            problems.append("a node has no name")
            continue
        node = _node(name, raw, problems)
        if node is not None:
            nodes[name] = node
    if problems:
        raise FlowDataError(problems)
    return Flow(line=line, start=str(start), nodes=nodes, language=str(language))
