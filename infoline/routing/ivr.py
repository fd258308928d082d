"""IVR flows: one per public number (T1, T2, T5, T12), as plain data.

A flow is a graph of named nodes. Nodes that only speak (``Say``,
``RecordingNotice``) or decide (``CheckHours``) move on at once; nodes that
wait for keys (``ChooseLanguage``, ``Menu``, ``EnterIdentityCode``) emit
``CollectDigits`` and move on at ``DigitsPressed``; terminal nodes put the
call in a queue (``ToQueue``), end it after a message (``End``), or give the
closed-hours message with an optional voice message (``Closed``).

Administrators edit flows; ``validate_flow`` runs when a flow is saved and
when the engine starts, so the engine never meets a dead end at run time.

Files to keep in sync: ``engine.py`` (``_enter_node``/``_on_digits``), the
flow editor's form in the Django layer.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from .errors import FlowError

__all__ = [
    "KEYPAD",
    "CheckHours",
    "ChooseLanguage",
    "Closed",
    "End",
    "EnterIdentityCode",
    "Flow",
    "Menu",
    "Node",
    "RecordingNotice",
    "Say",
    "ToQueue",
    "validate_flow",
]

KEYPAD = frozenset("0123456789*#")


@dataclass(frozen=True)
class Say:
    """Play a message (greeting, recorded information) and go on."""

    prompt: str
    next: str


@dataclass(frozen=True)
class RecordingNotice:
    """Tell the caller the call is recorded (T5); calls are recorded after it."""

    prompt: str
    next: str


@dataclass(frozen=True)
class ChooseLanguage:
    """Offer languages by key (digit -> language code); no key: the default."""

    prompt: str
    options: Mapping[str, str]
    next: str
    timeout_s: float = 5.0


@dataclass(frozen=True)
class Menu:
    """Offer choices by key (digit -> node); after ``retries`` go ``default``."""

    prompt: str
    options: Mapping[str, str]
    default: str
    retries: int = 2
    timeout_s: float = 6.0


@dataclass(frozen=True)
class EnterIdentityCode:
    """Collect an identity code by keypad to pre-identify the caller (A2).

    Identification only: the agent still authenticates the caller.
    """

    prompt: str
    next: str
    max_digits: int = 11
    timeout_s: float = 15.0


@dataclass(frozen=True)
class CheckHours:
    """Branch on the opening hours of ``calendar`` (holidays included)."""

    calendar: str
    open: str
    closed: str


@dataclass(frozen=True)
class ToQueue:
    """Wait for an agent in ``queue``."""

    queue: str


@dataclass(frozen=True)
class Closed:
    """Say the hours (or the department's phone hours and extension).

    With ``take_message`` the caller may leave a voice message afterwards.
    """

    prompt: str
    take_message: bool = False
    max_message_s: float = 120.0


@dataclass(frozen=True)
class End:
    """Play a final message and hang up (an information-only branch)."""

    prompt: str


Node = (
    Say
    | RecordingNotice
    | ChooseLanguage
    | Menu
    | EnterIdentityCode
    | CheckHours
    | ToQueue
    | Closed
    | End
)

TERMINALS = (ToQueue, Closed, End)
INPUT_NODES = (ChooseLanguage, Menu, EnterIdentityCode)


@dataclass(frozen=True)
class Flow:
    """The IVR of one public number; ``language`` is the default language."""

    line: str
    start: str
    nodes: Mapping[str, Node]
    language: str


def successors(node: Node) -> Iterator[tuple[str, str]]:
    """Yield (label, target node name) for every edge leaving ``node``."""
    if isinstance(node, Say | RecordingNotice | ChooseLanguage | EnterIdentityCode):
        yield "next", node.next
    elif isinstance(node, Menu):
        for key, target in node.options.items():
            yield f"key '{key}'", target
        yield "default", node.default
    elif isinstance(node, CheckHours):
        yield "open", node.open
        yield "closed", node.closed


def _prompt_of(node: Node) -> str | None:
    if isinstance(node, CheckHours | ToQueue):
        return None
    return node.prompt


def validate_flow(
    flow: Flow,
    queues: Collection[str] | None = None,
    languages: Collection[str] | None = None,
) -> None:
    """Raise ``FlowError`` listing every defect of ``flow``; return if none.

    Checks: the start node exists; every edge and menu key leads to an
    existing node; keys are single keypad keys; queues and languages are
    known (when the collections are given); every node is reachable; every
    node can reach a queue or an end (no dead ends); no loop runs without
    waiting for the caller; prompts are not empty.
    """
    problems: list[str] = []
    nodes = flow.nodes
    if not nodes:
        raise FlowError([f"flow of line {flow.line!r} has no nodes"])
    if flow.start not in nodes:
        problems.append(f"start node {flow.start!r} does not exist")
    if languages is not None and flow.language not in languages:
        problems.append(f"default language {flow.language!r} is unknown")
    for name, node in nodes.items():
        prompt = _prompt_of(node)
        if prompt is not None and not prompt.strip():
            problems.append(f"node {name!r} has an empty prompt")
        for label, target in successors(node):
            if target not in nodes:
                problems.append(
                    f"node {name!r} {label} leads to unknown node {target!r}"
                )
        if isinstance(node, Menu | ChooseLanguage):
            if not node.options:
                problems.append(f"node {name!r} offers no options")
            for key in node.options:
                if len(key) != 1 or key not in KEYPAD:
                    problems.append(f"node {name!r} key {key!r} is not a keypad key")
        if isinstance(node, Menu) and node.retries < 0:
            problems.append(f"node {name!r} has negative retries")
        if isinstance(node, ChooseLanguage) and languages is not None:
            for key, lang in node.options.items():
                if lang not in languages:
                    problems.append(
                        f"node {name!r} key {key!r} selects unknown language {lang!r}"
                    )
        if isinstance(node, EnterIdentityCode) and not 1 <= node.max_digits <= 32:
            problems.append(f"node {name!r} max_digits must be between 1 and 32")
        if (
            isinstance(node, ToQueue)
            and queues is not None
            and node.queue not in queues
        ):
            problems.append(f"node {name!r} refers to unknown queue {node.queue!r}")
    if problems:
        raise FlowError(problems)

    # Reachability from the start.
    reached: dict[str, None] = {}
    stack = [flow.start]
    while stack:
        name = stack.pop()
        if name in reached:
            continue
        reached[name] = None
        stack.extend(target for _, target in successors(nodes[name]))
    for name in nodes:
        if name not in reached:
            problems.append(f"node {name!r} is unreachable from the start")

    # Dead ends: nodes from which no terminal node can be reached.
    good = {name for name, node in nodes.items() if isinstance(node, TERMINALS)}
    changed = True
    while changed:
        changed = False
        for name, node in nodes.items():
            if name not in good and any(t in good for _, t in successors(node)):
                good.add(name)
                changed = True
    for name in nodes:
        if name not in good:
            problems.append(f"node {name!r} never reaches a queue or an end (dead end)")

    # Loops through nodes that never wait for a key would spin forever.
    auto = {name for name, node in nodes.items() if not isinstance(node, INPUT_NODES)}
    colour: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        colour[name] = 1
        path.append(name)
        for _, target in successors(nodes[name]):
            if target not in auto:
                continue
            if colour.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                problems.append(
                    "nodes "
                    + " -> ".join(repr(n) for n in cycle)
                    + " loop without waiting for the caller"
                )
            elif target not in colour:
                visit(target, path)
        path.pop()
        colour[name] = 2

    for name in sorted(auto):
        if name not in colour:
            visit(name, [])
    if problems:
        raise FlowError(problems)
