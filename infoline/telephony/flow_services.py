"""Acts on IVR flows (T1, T2, T12): load the flow of a line, save an edited one.

A flow is checked twice before it is saved — its data (``flows``) and its
graph (``routing.ivr.validate_flow``, against the queues and languages the
routing configuration knows) — and refused with every problem listed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from infoline.accounts.models import PublicLine, User
from infoline.routing.errors import FlowError
from infoline.routing.ivr import Flow, validate_flow
from infoline.telephony.config import default_config
from infoline.telephony.flows import FlowDataError, flow_from_data, flow_to_data
from infoline.telephony.models import IvrFlow

__all__ = ["flow_of", "known_queues_and_languages", "save_flow", "stored_flows"]


def known_queues_and_languages() -> tuple[frozenset[str], frozenset[str]]:
    """The queue names and language codes a flow may refer to."""
    config = default_config(())
    return frozenset(config.queues), frozenset(config.languages)


def flow_of(line: PublicLine) -> tuple[Flow, bool]:
    """The line's flow and whether an administrator saved it (else the default)."""
    stored = IvrFlow.objects.filter(line=line).first()
    if stored is not None:
        return flow_from_data(line.number, stored.data), True
    return default_config((line.number,)).flows[line.number], False


def stored_flows(numbers: tuple[str, ...]) -> dict[str, Flow]:
    """Saved flows of the lines with these numbers, for the runner's configuration."""
    return {
        row.line.number: flow_from_data(row.line.number, row.data)
        for row in IvrFlow.objects.filter(line__number__in=numbers).select_related(
            "line"
        )
    }


@transaction.atomic
def save_flow(user: User, line: PublicLine, data: dict[str, Any]) -> IvrFlow:
    """Check ``data`` as the flow of ``line`` and save it; every problem refuses it."""
    from django.utils.translation import gettext

    try:
        flow = flow_from_data(line.number, data)
        queues, languages = known_queues_and_languages()
        validate_flow(flow, queues=queues, languages=languages)
    except (FlowDataError, FlowError) as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        raise ValidationError(
            [gettext("The flow cannot be saved:")] + [str(p) for p in problems]
        ) from None
    row, _created = IvrFlow.objects.update_or_create(
        line=line, defaults={"data": flow_to_data(flow), "updated_by": user}
    )
    return row
