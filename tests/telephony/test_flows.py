"""Issue 6 item 2 (T1, T2, T12): administrators edit the IVR flow of each public number.

A flow is checked when saved, from HTTP: no dead ends, every key leads to a
node, queues and languages known; a refused flow changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from infoline.accounts.models import PublicLine, User
from infoline.routing.ivr import Flow
from infoline.telephony.config import default_config
from infoline.telephony.flow_services import flow_of, stored_flows
from infoline.telephony.flows import FlowDataError, flow_from_data, flow_to_data
from infoline.telephony.models import IvrFlow
from tests.conftest import verified_client

NUMBER = "+37052000123"


@pytest.fixture
def line(db: None) -> PublicLine:
    return PublicLine.objects.create(name="General", number=NUMBER)


def _standard() -> Flow:
    return default_config((NUMBER,)).flows[NUMBER]


def _post_data(flow_data: dict[str, Any], **changes: Any) -> dict[str, str]:
    """The editor's form fields for ``flow_data`` (one row per node)."""
    rows = list(flow_data["nodes"].items())
    post = {
        "start": flow_data["start"],
        "language": flow_data["language"],
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, (name, node) in enumerate(rows):
        post[f"form-{i}-name"] = name
        for key, value in node.items():
            if key == "options":
                value = " ".join(f"{k}={v}" for k, v in value.items())
            if key == "take_message":
                if value:
                    post[f"form-{i}-take_message"] = "on"
                continue
            post[f"form-{i}-{key}"] = str(value)
    post.update(changes)
    return post


def test_codec_round_trips_the_standard_flow() -> None:
    flow = _standard()
    assert flow_from_data(NUMBER, json.loads(json.dumps(flow_to_data(flow)))) == flow


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(),
        st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
        st.fixed_dictionaries(
            {
                "start": st.text(max_size=5),
                "language": st.text(max_size=3),
                "nodes": st.dictionaries(
                    st.text(max_size=5),
                    st.dictionaries(
                        st.sampled_from(["kind", "prompt", "next", "queue", "x"]),
                        st.one_of(st.text(max_size=5), st.integers(), st.none()),
                        max_size=4,
                    ),
                    max_size=3,
                ),
            }
        ),
    )
)
def test_codec_refuses_malformed_data_with_a_message_never_a_crash(data: Any) -> None:
    try:
        flow_from_data(NUMBER, data)
    except FlowDataError as exc:
        assert exc.problems and all(isinstance(p, str) for p in exc.problems)


def test_t2_administrator_saves_an_edited_flow_and_the_runner_uses_it(
    line: PublicLine, administrator: User
) -> None:
    client = verified_client(administrator)
    page = client.get(reverse("telephony:flow-edit", args=[line.pk]))
    assert page.status_code == 200
    assert "The standard flow" in page.content.decode()
    data = flow_to_data(_standard())
    data["nodes"]["menu"]["options"]["4"] = "employers"
    response = client.post(
        reverse("telephony:flow-edit", args=[line.pk]), _post_data(data)
    )
    assert response.status_code == 302
    saved, is_saved = flow_of(line)
    assert is_saved
    assert saved.nodes["menu"].options["4"] == "employers"  # type: ignore[union-attr]
    assert stored_flows((NUMBER,))[NUMBER] == saved


def test_t12_a_dead_end_is_refused_with_its_node_and_nothing_changes(
    line: PublicLine, administrator: User
) -> None:
    client = verified_client(administrator)
    data = flow_to_data(_standard())
    data["nodes"]["menu"]["options"]["4"] = "nowhere"
    response = client.post(
        reverse("telephony:flow-edit", args=[line.pk]), _post_data(data)
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "The flow cannot be saved:" in body
    assert "nowhere" in body
    assert not IvrFlow.objects.exists()


def test_t2_unknown_queue_and_malformed_keys_are_refused(
    line: PublicLine, administrator: User
) -> None:
    client = verified_client(administrator)
    data = flow_to_data(_standard())
    data["nodes"]["employers"]["queue"] = "no-such-queue"
    response = client.post(
        reverse("telephony:flow-edit", args=[line.pk]), _post_data(data)
    )
    assert response.status_code == 422
    assert "no-such-queue" in response.content.decode()
    bad_keys = _post_data(flow_to_data(_standard()))
    index = list(flow_to_data(_standard())["nodes"]).index("menu")
    bad_keys[f"form-{index}-options"] = "1jobseekers"
    response = client.post(reverse("telephony:flow-edit", args=[line.pk]), bad_keys)
    assert response.status_code == 422
    assert "1jobseekers" in response.content.decode()
    assert not IvrFlow.objects.exists()


def test_only_administrators_edit_flows(line: PublicLine, agent_a: User) -> None:
    client = verified_client(agent_a)
    url = reverse("telephony:flow-edit", args=[line.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _post_data(flow_to_data(_standard()))).status_code == 403
    assert not IvrFlow.objects.exists()


def test_flow_list_names_saved_and_standard_flows(
    line: PublicLine, administrator: User
) -> None:
    other = PublicLine.objects.create(name="Vacancies", number="+37052000124")
    IvrFlow.objects.create(line=other, data=flow_to_data(_standard()))
    body = verified_client(administrator).get(reverse("telephony:flows")).content
    text = body.decode()
    assert "The standard flow" in text
    assert "Saved " in text


def test_t2_the_runner_plays_the_saved_flow(
    line: PublicLine, administrator: User
) -> None:
    from infoline.telephony.services import SimulationParams, build_simulated_runner

    data = flow_to_data(_standard())
    data["nodes"]["menu"]["options"]["4"] = "employers"
    verified_client(administrator).post(
        reverse("telephony:flow-edit", args=[line.pk]), _post_data(data)
    )
    runner = build_simulated_runner(SimulationParams(origin=1_700_000_000.0), speed=0)
    assert runner.config.flows[NUMBER] == flow_of(line)[0]
    assert runner.config.flows[NUMBER].nodes["menu"].options["4"] == "employers"  # type: ignore[union-attr]
