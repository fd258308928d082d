"""The lifecycle of a contact: the ONE table of legal status transitions (J6).

Pure module: no Django, no I/O, no wall clock. The caller passes the state
read from the contact row, the act, who performs it and ``today``; it gets
back the new state and the effects to carry out, or :class:`IllegalTransition`
and nothing changes (:class:`ContactState` is frozen, so the input state
cannot be touched).

Rules this module guarantees
============================
1. Every status change goes through :func:`apply`, and :func:`apply` only
   moves along :data:`TRANSITIONS`. Every (status, act) pair is either in
   :data:`TRANSITIONS` or in :data:`REFUSALS`, never both and never neither
   (checked at import), so each illegal pair has its own message.
2. An illegal act raises :class:`IllegalTransition` with an untranslated
   ``template`` and its ``params`` and returns nothing; the state the caller
   holds is unchanged. Checks run in this order, and the first failure is the
   one reported: the (status, act) pair, the actor's role
   (:data:`ALLOWED_ROLES`), the assignee rule (rule 3), the state the act
   needs (a pending extension, a person to redirect to), then the act's own
   input (dates, blank texts).
3. Roles: agents and specialists handle contacts (defer, close, redirect,
   submit for review, request an extension) that are assigned to them or to
   nobody (a department's queue); team leads, supervisors and administrators
   handle any contact and are the "administrator" of J6 who approves a result
   or an extension or returns a result for rework; only supervisors and
   administrators reopen a closed contact. Evaluators, planners and the DPO
   change no status. An unknown role is refused like a role without the
   right.
4. Statuses and their fields:

   * ``IN_WORK``: someone (``assignee_id``) or a department's queue
     (``assignee_id`` None, ``department_id`` set) holds it. No result.
   * ``DEFERRED_ANSWER``: the specialist owes the citizen an answer:
     ``assignee_id`` (the responsible person) and ``due`` are always set.
     ``due`` was not in the past when it was set or, for an approved
     extension, when it was requested (an approver deciding late may move
     the date to a day already gone; the timers then treat it as overdue).
   * ``UNDER_REVIEW``: a deferred answer's result awaits approval:
     ``result`` and ``comment`` are non-blank; ``assignee_id`` and ``due``
     are kept so a return for rework restores the promise.
   * ``CLOSED``: ``result`` and ``comment`` are always non-blank (stripped).

5. A deadline extension is a sub-state of ``DEFERRED_ANSWER``, not a status:
   ``extension`` holds the pending request (new date, reason, requester) and
   is None in every other status. The old due date holds until the request is
   approved; the new date is later than the current due date and not in the
   past. While a request is pending, the contact can be neither submitted for
   review nor redirected nor asked for another extension: the approver
   decides first, so a request is never silently dropped. A due date changes
   only by an approved extension (deferring again is refused).
6. A redirect never changes the status and never loses a promise: a contact
   in work goes to a person or to a department's queue; a deferred answer
   goes to another responsible person and keeps its due date.
7. Escalation (J4) hands a contact in work to a tier-2 specialist (and
   their department) with a deadline and a reason: it becomes a deferred
   answer owed by that specialist, exactly as if deferred to them, and the
   specialist (and the department, when one is named) is notified. The
   actor cannot escalate to themselves (that is deferring). Routing a
   complaint or service request to its responsible department with the
   statutory deadline (J9, J10) is the same act.
8. Only a deferred answer goes through review; a contact in work (answered
   during the call) is closed directly with its result and comment. A result
   returned for rework goes back to ``DEFERRED_ANSWER`` with the same
   responsible person and due date, its result and comment cleared (the
   history keeps them). Reopening a closed contact (a supervisor or
   administrator, with a reason) puts it back in work with the last assignee
   and clears result, comment and due date.
9. Every legal act, including those that keep the status (redirect, extension
   requests and decisions), emits exactly one :class:`RecordHistory`, first
   in the list. Notifications name their recipient; nobody is notified of
   their own act.

Theory of operation: :data:`TRANSITIONS` maps ``(status, act name)`` to the
next status, :data:`REFUSALS` maps every other pair to its message. For a
legal pair :func:`apply` checks the role and assignee rules, then calls the
act's handler, which validates the input and builds the new state and the
notifications; :func:`apply` prepends the history record and asserts the new
status is the table's. The Django layer (``journal/services.py``) loads the
row into a :class:`ContactState`, calls :func:`apply`, saves the new state
and the history row in one transaction and carries out the notifications on
commit; it translates ``IllegalTransition.template`` with ``gettext`` and
interpolates ``params``.

Keep in sync with: ``ContactStatus`` in ``infoline/journal/choices.py``
(same values as :class:`Status`), the contact fields in
``infoline/journal/models.py`` (assignee, department, due date, pending
extension, result, comment), ``infoline/journal/services.py`` (executes the
effects), the work list and desk buttons (:func:`acts_from`),
``tests/journal/test_transitions.py`` (the expected matrix, message by
message) and the translation catalogues (messages are marked with
``gettext_noop`` so ``makemessages`` collects them).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType
from typing import Any, ClassVar, TypeAlias

__all__ = [
    "ACT_TYPES",
    "ALLOWED_ROLES",
    "APPROVERS",
    "HANDLERS",
    "REFUSALS",
    "REOPENERS",
    "TRANSITIONS",
    "Act",
    "ActName",
    "Approve",
    "ApproveExtension",
    "Close",
    "ContactState",
    "Defer",
    "Effect",
    "Escalate",
    "ExtensionRequest",
    "IllegalTransition",
    "NoticeKind",
    "Notify",
    "NotifyApprovers",
    "NotifyDepartment",
    "RecordHistory",
    "Redirect",
    "RejectExtension",
    "Reopen",
    "RequestExtension",
    "ReturnForRework",
    "Status",
    "SubmitForReview",
    "acts_from",
    "apply",
]


def gettext_noop(message: str) -> str:
    """Return ``message`` unchanged; marks it for ``makemessages``.

    The pure core cannot import Django's translation machinery, so the Django
    layer translates ``IllegalTransition.template`` and interpolates
    ``params``.
    """
    return message


class Status(enum.StrEnum):
    """Where a contact is in its lifecycle; values match ``ContactStatus``."""

    IN_WORK = "in_work"
    DEFERRED_ANSWER = "deferred_answer"
    UNDER_REVIEW = "under_review"
    CLOSED = "closed"


class ActName(enum.StrEnum):
    """The acts a person performs on a contact: the table's second key."""

    DEFER = "defer"
    SUBMIT_FOR_REVIEW = "submit_for_review"
    APPROVE = "approve"
    RETURN_FOR_REWORK = "return_for_rework"
    CLOSE = "close"
    REDIRECT = "redirect"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    REOPEN = "reopen"
    ESCALATE = "escalate"


class NoticeKind(enum.StrEnum):
    """What a notification tells its recipient."""

    DEFERRED_ANSWER_ASSIGNED = "deferred_answer_assigned"
    REDIRECTED = "redirected"
    REVIEW_REQUESTED = "review_requested"
    RESULT_APPROVED = "result_approved"
    RETURNED_FOR_REWORK = "returned_for_rework"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REJECTED = "extension_rejected"
    REOPENED = "reopened"
    ESCALATED = "escalated"


class IllegalTransition(ValueError):
    """An act the lifecycle forbids, or its input is invalid; nothing changed.

    ``str(error)`` is the English message. ``template`` is the untranslated
    message with ``%(name)s`` placeholders and ``params`` fills them, so the
    Django layer can show ``gettext(error.template) % error.params``.
    """

    def __init__(self, template: str, **params: str) -> None:
        """Build the error from a message template and its parameters."""
        self.template = template
        self.params = params
        super().__init__(template % params)


# --------------------------------------------------------------------------
# State


@dataclass(frozen=True)
class ExtensionRequest:
    """A pending request to move a deferred answer's due date (rule 5)."""

    new_due: date
    reason: str
    requested_by: int


@dataclass(frozen=True)
class ContactState:
    """The lifecycle fields of one contact (rule 4 says which are set when).

    ``assignee_id`` is the person holding the contact (the responsible person
    of a deferred answer); ``department_id`` the department whose queue it is
    in. ``due`` is the date the citizen was promised an answer.
    """

    status: Status = Status.IN_WORK
    assignee_id: int | None = None
    department_id: int | None = None
    due: date | None = None
    extension: ExtensionRequest | None = None
    result: str = ""
    comment: str = ""


# --------------------------------------------------------------------------
# Acts: one frozen dataclass each, ``name`` is the table key.


@dataclass(frozen=True)
class Defer:
    """Promise the citizen an answer by ``due``, owed by ``responsible_id``."""

    name: ClassVar[ActName] = ActName.DEFER
    due: date
    responsible_id: int


@dataclass(frozen=True)
class SubmitForReview:
    """Hand a deferred answer's result to an approver."""

    name: ClassVar[ActName] = ActName.SUBMIT_FOR_REVIEW
    result: str
    comment: str


@dataclass(frozen=True)
class Approve:
    """Accept the result under review; closes the contact."""

    name: ClassVar[ActName] = ActName.APPROVE
    note: str = ""


@dataclass(frozen=True)
class ReturnForRework:
    """Send the result under review back to the responsible person."""

    name: ClassVar[ActName] = ActName.RETURN_FOR_REWORK
    reason: str


@dataclass(frozen=True)
class Close:
    """Close a contact in work with the result given and a comment."""

    name: ClassVar[ActName] = ActName.CLOSE
    result: str
    comment: str


@dataclass(frozen=True)
class Redirect:
    """Hand the contact to a person and/or a department (rule 6).

    ``assignee_id`` None sends it to the department's queue;
    ``department_id`` None keeps the current department.
    """

    name: ClassVar[ActName] = ActName.REDIRECT
    assignee_id: int | None
    department_id: int | None
    reason: str


@dataclass(frozen=True)
class RequestExtension:
    """Ask the approver to move the due date to ``new_due`` (rule 5)."""

    name: ClassVar[ActName] = ActName.REQUEST_EXTENSION
    new_due: date
    reason: str


@dataclass(frozen=True)
class ApproveExtension:
    """Accept the pending extension request; the due date moves."""

    name: ClassVar[ActName] = ActName.APPROVE_EXTENSION


@dataclass(frozen=True)
class RejectExtension:
    """Refuse the pending extension request; the due date stays."""

    name: ClassVar[ActName] = ActName.REJECT_EXTENSION
    reason: str


@dataclass(frozen=True)
class Reopen:
    """Put a closed contact back in work (rule 7)."""

    name: ClassVar[ActName] = ActName.REOPEN
    reason: str


@dataclass(frozen=True)
class Escalate:
    """Hand a contact in work to a tier-2 specialist with a deadline (rule 7).

    ``department_id`` None keeps the current department.
    """

    name: ClassVar[ActName] = ActName.ESCALATE
    assignee_id: int
    department_id: int | None
    due: date
    reason: str


Act: TypeAlias = (
    Defer
    | SubmitForReview
    | Approve
    | ReturnForRework
    | Close
    | Redirect
    | RequestExtension
    | ApproveExtension
    | RejectExtension
    | Reopen
    | Escalate
)

#: The input class of each act.
ACT_TYPES: Mapping[ActName, type[Act]] = MappingProxyType(
    {
        cls.name: cls
        for cls in (
            Defer,
            SubmitForReview,
            Approve,
            ReturnForRework,
            Close,
            Redirect,
            RequestExtension,
            ApproveExtension,
            RejectExtension,
            Reopen,
            Escalate,
        )
    }
)


# --------------------------------------------------------------------------
# Effects: what the Django layer must do after saving the new state.


@dataclass(frozen=True)
class RecordHistory:
    """Write the contact's history row: who did what, old -> new, why."""

    act: ActName
    old: Status
    new: Status
    actor_id: int
    reason: str


@dataclass(frozen=True)
class Notify:
    """Tell one person about the act."""

    user_id: int
    kind: NoticeKind


@dataclass(frozen=True)
class NotifyDepartment:
    """Tell a department (its queue's members) about the act."""

    department_id: int
    kind: NoticeKind


@dataclass(frozen=True)
class NotifyApprovers:
    """Tell whoever may decide (team lead, supervisors, administrators)."""

    kind: NoticeKind


Effect: TypeAlias = RecordHistory | Notify | NotifyDepartment | NotifyApprovers


# --------------------------------------------------------------------------
# The table

_I, _D, _R, _C = (
    Status.IN_WORK,
    Status.DEFERRED_ANSWER,
    Status.UNDER_REVIEW,
    Status.CLOSED,
)

#: Legal (status, act) pairs and the status each leads to (rule 1).
TRANSITIONS: Mapping[tuple[Status, ActName], Status] = MappingProxyType(
    {
        (_I, ActName.DEFER): _D,
        (_I, ActName.CLOSE): _C,
        (_I, ActName.REDIRECT): _I,
        (_I, ActName.ESCALATE): _D,
        (_D, ActName.SUBMIT_FOR_REVIEW): _R,
        (_D, ActName.REDIRECT): _D,
        (_D, ActName.REQUEST_EXTENSION): _D,
        (_D, ActName.APPROVE_EXTENSION): _D,
        (_D, ActName.REJECT_EXTENSION): _D,
        (_R, ActName.APPROVE): _C,
        (_R, ActName.RETURN_FOR_REWORK): _D,
        (_C, ActName.REOPEN): _I,
    }
)

_CLOSED_IS_FINAL = gettext_noop(
    "A closed contact cannot be changed; a supervisor or administrator can reopen it"
)

#: The message of every illegal (status, act) pair (rule 1).
REFUSALS: Mapping[tuple[Status, ActName], str] = MappingProxyType(
    {
        (_I, ActName.SUBMIT_FOR_REVIEW): gettext_noop(
            "Only a deferred answer is submitted for review; close a contact in "
            "work with its result"
        ),
        (_I, ActName.APPROVE): gettext_noop(
            "Only a contact under review can be approved; this one is in work"
        ),
        (_I, ActName.RETURN_FOR_REWORK): gettext_noop(
            "Only a contact under review can be returned for rework; this one is "
            "in work"
        ),
        (_I, ActName.REQUEST_EXTENSION): gettext_noop(
            "A contact in work has no due date to extend; defer the answer first"
        ),
        (_I, ActName.APPROVE_EXTENSION): gettext_noop(
            "There is no extension request to approve: the contact is in work"
        ),
        (_I, ActName.REJECT_EXTENSION): gettext_noop(
            "There is no extension request to reject: the contact is in work"
        ),
        (_I, ActName.REOPEN): gettext_noop(
            "Only a closed contact can be reopened; this one is in work"
        ),
        (_D, ActName.DEFER): gettext_noop(
            "The answer is already deferred; its due date changes only through "
            "an approved extension"
        ),
        (_D, ActName.APPROVE): gettext_noop(
            "Only a contact under review can be approved; submit the deferred "
            "answer for review first"
        ),
        (_D, ActName.RETURN_FOR_REWORK): gettext_noop(
            "Only a contact under review can be returned for rework; this one "
            "awaits its deferred answer"
        ),
        (_D, ActName.CLOSE): gettext_noop(
            "A deferred answer is closed through review: submit the result for review"
        ),
        (_D, ActName.ESCALATE): gettext_noop(
            "The answer is already deferred to a responsible person; redirect it "
            "to hand it over"
        ),
        (_D, ActName.REOPEN): gettext_noop(
            "Only a closed contact can be reopened; this one awaits its deferred answer"
        ),
        (_R, ActName.DEFER): gettext_noop(
            "A contact under review can only be approved or returned for rework, "
            "not deferred"
        ),
        (_R, ActName.SUBMIT_FOR_REVIEW): gettext_noop(
            "The contact is already under review"
        ),
        (_R, ActName.CLOSE): gettext_noop(
            "A contact under review can only be approved or returned for rework, "
            "not closed directly"
        ),
        (_R, ActName.REDIRECT): gettext_noop(
            "A contact under review can only be approved or returned for rework, "
            "not redirected"
        ),
        (_R, ActName.REQUEST_EXTENSION): gettext_noop(
            "A contact under review can only be approved or returned for rework; "
            "its due date cannot be extended"
        ),
        (_R, ActName.APPROVE_EXTENSION): gettext_noop(
            "There is no extension request to approve: the contact is under review"
        ),
        (_R, ActName.REJECT_EXTENSION): gettext_noop(
            "There is no extension request to reject: the contact is under review"
        ),
        (_R, ActName.ESCALATE): gettext_noop(
            "A contact under review can only be approved or returned for rework, "
            "not escalated"
        ),
        (_R, ActName.REOPEN): gettext_noop(
            "Only a closed contact can be reopened; this one is under review"
        ),
        **{
            (_C, name): _CLOSED_IS_FINAL
            for name in ActName
            if name is not ActName.REOPEN
        },
    }
)

# Rule 1: the two tables partition every pair. Checked at import because a
# gap would make apply() fail with a KeyError instead of a message.
assert not TRANSITIONS.keys() & REFUSALS.keys(), "a pair is legal and refused"
assert TRANSITIONS.keys() | REFUSALS.keys() == {
    (status, name) for status in Status for name in ActName
}, "a (status, act) pair is in neither table"

#: Roles that handle contacts (rule 3).
HANDLERS = frozenset(
    {"agent", "specialist", "team_lead", "supervisor", "administrator"}
)
#: Roles that decide on results and extensions: J6's "administrator".
APPROVERS = frozenset({"team_lead", "supervisor", "administrator"})
#: Roles that may reopen a closed contact.
REOPENERS = frozenset({"supervisor", "administrator"})
#: Handlers restricted to contacts assigned to them or to nobody.
_ASSIGNEE_BOUND = frozenset({"agent", "specialist"})

#: Who may perform each act, and the message for anyone else (rule 3).
ALLOWED_ROLES: Mapping[ActName, tuple[frozenset[str], str]] = MappingProxyType(
    {
        ActName.DEFER: (
            HANDLERS,
            gettext_noop("Only staff who handle contacts can defer an answer"),
        ),
        ActName.SUBMIT_FOR_REVIEW: (
            HANDLERS,
            gettext_noop(
                "Only staff who handle contacts can submit a result for review"
            ),
        ),
        ActName.CLOSE: (
            HANDLERS,
            gettext_noop("Only staff who handle contacts can close a contact"),
        ),
        ActName.REDIRECT: (
            HANDLERS,
            gettext_noop("Only staff who handle contacts can redirect a contact"),
        ),
        ActName.ESCALATE: (
            HANDLERS,
            gettext_noop("Only staff who handle contacts can escalate a contact"),
        ),
        ActName.REQUEST_EXTENSION: (
            HANDLERS,
            gettext_noop(
                "Only staff who handle contacts can request a deadline extension"
            ),
        ),
        ActName.APPROVE: (
            APPROVERS,
            gettext_noop(
                "Only a team lead, supervisor or administrator can approve a result"
            ),
        ),
        ActName.RETURN_FOR_REWORK: (
            APPROVERS,
            gettext_noop(
                "Only a team lead, supervisor or administrator can return a "
                "result for rework"
            ),
        ),
        ActName.APPROVE_EXTENSION: (
            APPROVERS,
            gettext_noop(
                "Only a team lead, supervisor or administrator can approve a "
                "deadline extension"
            ),
        ),
        ActName.REJECT_EXTENSION: (
            APPROVERS,
            gettext_noop(
                "Only a team lead, supervisor or administrator can reject a "
                "deadline extension"
            ),
        ),
        ActName.REOPEN: (
            REOPENERS,
            gettext_noop(
                "Only a supervisor or administrator can reopen a closed contact"
            ),
        ),
    }
)

#: Acts bound by the assignee rule for agents and specialists (rule 3).
_HANDLING_ACTS = frozenset(
    name for name, (roles, _message) in ALLOWED_ROLES.items() if roles is HANDLERS
)


def acts_from(status: Status) -> frozenset[ActName]:
    """Return the acts the table allows from ``status``.

    For the desk's buttons: the role, the assignee rule and the act's input
    may still refuse one of them.
    """
    return frozenset(name for (old, name) in TRANSITIONS if old is status)


# --------------------------------------------------------------------------
# Handlers: validate the input, build the new state and the notifications.

_Outcome: TypeAlias = tuple[ContactState, str, list[Effect]]


@dataclass(frozen=True)
class _Context:
    actor_id: int
    today: date


def _require_text(text: str, message: str) -> str:
    stripped = text.strip()
    if not stripped:
        raise IllegalTransition(message)
    return stripped


def _require_not_past(day: date, today: date) -> None:
    if day < today:
        raise IllegalTransition(
            gettext_noop("The due date %(due)s is in the past"), due=day.isoformat()
        )


def _notify(user_id: int | None, kind: NoticeKind, ctx: _Context) -> list[Effect]:
    # Rule 8: nobody is told about their own act.
    if user_id is None or user_id == ctx.actor_id:
        return []
    return [Notify(user_id, kind)]


def _refuse_while_extension_pending(state: ContactState, message: str) -> None:
    if state.extension is not None:
        raise IllegalTransition(message)


def _defer(state: ContactState, act: Defer, ctx: _Context) -> _Outcome:
    _require_not_past(act.due, ctx.today)
    new = replace(
        state,
        status=Status.DEFERRED_ANSWER,
        assignee_id=act.responsible_id,
        due=act.due,
    )
    effects = _notify(act.responsible_id, NoticeKind.DEFERRED_ANSWER_ASSIGNED, ctx)
    return new, "", effects


def _result_and_comment(result: str, comment: str) -> tuple[str, str]:
    return (
        _require_text(result, gettext_noop("Enter the result given to the citizen")),
        _require_text(comment, gettext_noop("Enter a comment on the result")),
    )


def _close(state: ContactState, act: Close, ctx: _Context) -> _Outcome:
    result, comment = _result_and_comment(act.result, act.comment)
    new = replace(state, status=Status.CLOSED, result=result, comment=comment)
    return new, "", []


def _submit_for_review(
    state: ContactState, act: SubmitForReview, ctx: _Context
) -> _Outcome:
    _refuse_while_extension_pending(
        state,
        gettext_noop(
            "An extension request is waiting for a decision; it must be approved "
            "or rejected before the result is submitted for review"
        ),
    )
    result, comment = _result_and_comment(act.result, act.comment)
    new = replace(state, status=Status.UNDER_REVIEW, result=result, comment=comment)
    return new, "", [NotifyApprovers(NoticeKind.REVIEW_REQUESTED)]


def _redirect(state: ContactState, act: Redirect, ctx: _Context) -> _Outcome:
    _refuse_while_extension_pending(
        state,
        gettext_noop(
            "An extension request is waiting for a decision; it must be approved "
            "or rejected before the contact is redirected"
        ),
    )
    if act.assignee_id is None and act.department_id is None:
        raise IllegalTransition(
            gettext_noop("Choose a person or a department to redirect the contact to")
        )
    if state.status is Status.DEFERRED_ANSWER and act.assignee_id is None:
        raise IllegalTransition(
            gettext_noop(
                "A deferred answer needs a responsible person; redirect it to a person"
            )
        )
    department_id = (
        state.department_id if act.department_id is None else act.department_id
    )
    if (act.assignee_id, department_id) == (state.assignee_id, state.department_id):
        raise IllegalTransition(
            gettext_noop("The contact is already with this person and department")
        )
    reason = _require_text(
        act.reason, gettext_noop("Say why the contact is redirected")
    )
    new = replace(state, assignee_id=act.assignee_id, department_id=department_id)
    effects: list[Effect]
    if act.assignee_id is None:
        # Checked above: a redirect without a person names a department.
        assert department_id is not None
        effects = [NotifyDepartment(department_id, NoticeKind.REDIRECTED)]
    else:
        effects = _notify(act.assignee_id, NoticeKind.REDIRECTED, ctx)
    return new, reason, effects


def _request_extension(
    state: ContactState, act: RequestExtension, ctx: _Context
) -> _Outcome:
    if state.extension is not None:
        raise IllegalTransition(
            gettext_noop("An extension request is already waiting for a decision")
        )
    # Rule 4: a deferred answer always has a due date.
    assert state.due is not None, "a deferred answer without a due date"
    if act.new_due <= state.due:
        raise IllegalTransition(
            gettext_noop(
                "The new due date must be later than the current due date %(due)s"
            ),
            due=state.due.isoformat(),
        )
    _require_not_past(act.new_due, ctx.today)
    reason = _require_text(act.reason, gettext_noop("Give a reason for the extension"))
    extension = ExtensionRequest(act.new_due, reason, ctx.actor_id)
    new = replace(state, extension=extension)
    return new, reason, [NotifyApprovers(NoticeKind.EXTENSION_REQUESTED)]


def _approve_extension(
    state: ContactState, act: ApproveExtension, ctx: _Context
) -> _Outcome:
    extension = state.extension
    if extension is None:
        raise IllegalTransition(
            gettext_noop("There is no pending extension request to approve")
        )
    new = replace(state, due=extension.new_due, extension=None)
    effects = _notify(extension.requested_by, NoticeKind.EXTENSION_APPROVED, ctx)
    return new, extension.reason, effects


def _reject_extension(
    state: ContactState, act: RejectExtension, ctx: _Context
) -> _Outcome:
    extension = state.extension
    if extension is None:
        raise IllegalTransition(
            gettext_noop("There is no pending extension request to reject")
        )
    reason = _require_text(
        act.reason, gettext_noop("Say why the extension is rejected")
    )
    new = replace(state, extension=None)
    effects = _notify(extension.requested_by, NoticeKind.EXTENSION_REJECTED, ctx)
    return new, reason, effects


def _approve(state: ContactState, act: Approve, ctx: _Context) -> _Outcome:
    new = replace(state, status=Status.CLOSED)
    effects = _notify(state.assignee_id, NoticeKind.RESULT_APPROVED, ctx)
    return new, act.note.strip(), effects


def _return_for_rework(
    state: ContactState, act: ReturnForRework, ctx: _Context
) -> _Outcome:
    reason = _require_text(act.reason, gettext_noop("Say what must be reworked"))
    new = replace(state, status=Status.DEFERRED_ANSWER, result="", comment="")
    effects = _notify(state.assignee_id, NoticeKind.RETURNED_FOR_REWORK, ctx)
    return new, reason, effects


def _reopen(state: ContactState, act: Reopen, ctx: _Context) -> _Outcome:
    reason = _require_text(act.reason, gettext_noop("Say why the contact is reopened"))
    new = replace(
        state, status=Status.IN_WORK, due=None, extension=None, result="", comment=""
    )
    effects = _notify(state.assignee_id, NoticeKind.REOPENED, ctx)
    return new, reason, effects


def _escalate(state: ContactState, act: Escalate, ctx: _Context) -> _Outcome:
    if act.assignee_id == ctx.actor_id:
        raise IllegalTransition(
            gettext_noop(
                "Escalate to another colleague; to answer it yourself, defer the answer"
            )
        )
    _require_not_past(act.due, ctx.today)
    reason = _require_text(act.reason, gettext_noop("Say why the contact is escalated"))
    department_id = (
        state.department_id if act.department_id is None else act.department_id
    )
    new = replace(
        state,
        status=Status.DEFERRED_ANSWER,
        assignee_id=act.assignee_id,
        department_id=department_id,
        due=act.due,
    )
    effects: list[Effect] = [Notify(act.assignee_id, NoticeKind.ESCALATED)]
    if act.department_id is not None:
        effects.append(NotifyDepartment(act.department_id, NoticeKind.ESCALATED))
    return new, reason, effects


# Each handler is typed for its own act; apply() dispatches by the act's name,
# which ACT_TYPES ties to the class, so the narrowing below is sound.
_HANDLER_FUNCTIONS: Mapping[
    ActName, Callable[[ContactState, Any, _Context], _Outcome]
] = MappingProxyType(
    {
        ActName.DEFER: _defer,
        ActName.SUBMIT_FOR_REVIEW: _submit_for_review,
        ActName.APPROVE: _approve,
        ActName.RETURN_FOR_REWORK: _return_for_rework,
        ActName.CLOSE: _close,
        ActName.REDIRECT: _redirect,
        ActName.REQUEST_EXTENSION: _request_extension,
        ActName.APPROVE_EXTENSION: _approve_extension,
        ActName.REJECT_EXTENSION: _reject_extension,
        ActName.REOPEN: _reopen,
        ActName.ESCALATE: _escalate,
    }
)


def apply(
    state: ContactState, act: Act, *, actor_role: str, actor_id: int, today: date
) -> tuple[ContactState, list[Effect]]:
    """Perform ``act`` on a contact in ``state``; return the new state and effects.

    ``actor_role`` is the performer's role value (``Role`` in
    ``infoline/accounts/choices.py``), ``today`` the local date of the
    contact's hotline (due dates are calendar dates). The caller checks that
    the actor may see the contact at all (``access_contact``); this function
    checks what rules 1-7 say. Raise :class:`IllegalTransition` if the act is
    not allowed; the effects list starts with exactly one
    :class:`RecordHistory`.
    """
    old = state.status
    key = (old, act.name)
    refusal = REFUSALS.get(key)
    if refusal is not None:
        raise IllegalTransition(refusal)
    roles, role_message = ALLOWED_ROLES[act.name]
    if actor_role not in roles:
        raise IllegalTransition(role_message)
    if (
        actor_role in _ASSIGNEE_BOUND
        and act.name in _HANDLING_ACTS
        and state.assignee_id not in (None, actor_id)
    ):
        raise IllegalTransition(
            gettext_noop(
                "The contact is assigned to another colleague; a team lead can "
                "redirect it"
            )
        )
    ctx = _Context(actor_id=actor_id, today=today)
    new, reason, effects = _HANDLER_FUNCTIONS[act.name](state, act, ctx)
    assert new.status is TRANSITIONS[key], f"{act.name} left the table at {old}"
    history = RecordHistory(act.name, old, new.status, actor_id, reason)
    return new, [history, *effects]
