"""Issue 5 item 11: the agent desk, from HTTP (J1, J2, J5, J6, C1–C6).

Every act is driven through the desk's URLs as the agent would; the outsider
(``agent_b``, team B) must get nothing of team A's.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infoline.accounts.models import Absence, Department, Employee, Team, User
from infoline.clients.choices import DataCategory
from infoline.clients.models import AccessLog, Person
from infoline.journal.choices import CallbackStatus, ContactStatus
from infoline.journal.models import (
    Callback,
    ColleagueMessage,
    Contact,
    ContactHistory,
    Topic,
)
from infoline.journal.services import open_contact, previous_handler
from tests.conftest import verified_client


@pytest.fixture
def agent(agent_a: User) -> Client:
    return verified_client(agent_a)


@pytest.fixture
def topics(db: None) -> dict[str, Topic]:
    benefits = Topic.objects.create(type="consultation", name="Unemployment benefit")
    amount = Topic.objects.create(
        type="consultation", name="Amount", parent=benefits, keywords="išmoka dydis"
    )
    rude = Topic.objects.create(type="complaint", name="Rude staff")
    return {"benefits": benefits, "amount": amount, "rude": rude}


def _contact(user: User, **fields: Any) -> Contact:
    return Contact.objects.create(agent=user, phone="+37060000001", **fields)


# --- J1, J8: opening a contact --------------------------------------------------------


def test_j1_desk_opens_a_contact_with_channel_number_and_position(
    agent: Client, agent_a: User, department: Department
) -> None:
    Employee.objects.create(
        first_name="A",
        last_name="A",
        department=department,
        user=agent_a,
        position="Consultant",
    )
    response = agent.post(
        reverse("journal:desk"), {"channel": "phone", "phone": "+370 612 34567"}
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:card", args=[contact.pk])
    assert contact.phone == "+37061234567"
    assert contact.agent_position == "Consultant"
    assert contact.history.get().act == "open"


def test_j1_invalid_number_is_refused_and_nothing_is_opened(agent: Client) -> None:
    response = agent.post(reverse("journal:desk"), {"channel": "phone", "phone": "12"})
    assert response.status_code == 200
    assert Contact.objects.count() == 0
    assert "phone" in response.context["form"].errors


def test_j8_answering_the_same_call_twice_opens_one_contact(agent_a: User) -> None:
    first = open_contact(
        agent_a, phone="+37060000002", ivr_choice="2 benefits", call_id="call-1"
    )
    again = open_contact(agent_a, phone="+37060000002", call_id="call-1")
    assert first.pk == again.pk
    assert Contact.objects.count() == 1
    assert first.ivr_choice == "2 benefits"


def test_desk_shows_the_incoming_contacts_facts(agent: Client, agent_a: User) -> None:
    contact = open_contact(
        agent_a, phone="+37060000003", ivr_choice="3 employers", call_id="c-3"
    )
    body = agent.get(reverse("clients:card", args=[contact.pk])).content.decode()
    assert "3 employers" in body
    assert 'id="journal-form"' in body
    assert 'id="worklist"' in body
    assert reverse("records:attachments", args=[contact.pk]) in body
    assert "data-softphone" in body  # the phone is on the contact workspace (T10)
    assert "data-softphone" in agent.get(reverse("journal:desk")).content.decode()


# --- J2: type, topic, journal ---------------------------------------------------------


def test_j2_topic_search_as_you_type_ignores_diacritics(
    agent: Client, agent_a: User, topics: dict[str, Topic]
) -> None:
    contact = _contact(agent_a)
    url = reverse("journal:topics", args=[contact.pk])
    body = agent.get(url, {"type": "consultation", "q": "ismoka"}).content.decode()
    assert f'data-topic-id="{topics["amount"].pk}"' in body
    assert "Rude staff" not in body


def test_j2_saving_the_journal_with_topic_sets_its_type(
    agent: Client, agent_a: User, topics: dict[str, Topic]
) -> None:
    contact = _contact(agent_a)
    response = agent.post(
        reverse("journal:save", args=[contact.pk]),
        {"type": "", "topic": topics["amount"].pk, "summary": "Asked about amount"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.type, contact.topic_id, contact.summary) == (
        "consultation",
        topics["amount"].pk,
        "Asked about amount",
    )


def test_j2_topic_of_another_type_is_refused_and_nothing_saved(
    agent: Client, agent_a: User, topics: dict[str, Topic]
) -> None:
    contact = _contact(agent_a)
    response = agent.post(
        reverse("journal:save", args=[contact.pk]),
        {"type": "consultation", "topic": topics["rude"].pk, "summary": "x"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "another type" in response.content.decode()
    contact.refresh_from_db()
    assert (contact.topic_id, contact.summary) == (None, "")


# --- J6 from the desk -----------------------------------------------------------------


def test_j6_close_without_result_is_refused_and_changes_nothing(
    agent: Client, agent_a: User
) -> None:
    contact = _contact(agent_a)
    response = agent.post(
        reverse("journal:act", args=[contact.pk]), {"act": "close"}, follow=True
    )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.IN_WORK
    assert "result" in response.content.decode().lower()
    assert not ContactHistory.objects.filter(contact=contact, act="close").exists()


def test_j6_deferred_answer_reaches_the_specialists_work_list(
    agent: Client, agent_a: User, specialist: User
) -> None:
    contact = _contact(agent_a)
    due = timezone.localdate() + datetime.timedelta(days=3)
    agent.post(
        reverse("journal:act", args=[contact.pk]),
        {"act": "defer", "due": due.isoformat(), "responsible": specialist.pk},
    )
    contact.refresh_from_db()
    assert (contact.status, contact.assignee_id, contact.due) == (
        ContactStatus.DEFERRED_ANSWER,
        specialist.pk,
        due,
    )
    expert = verified_client(specialist)
    work = expert.get(reverse("journal:worklist")).content.decode()
    assert reverse("journal:contact", args=[contact.pk]) in work
    page = expert.get(reverse("journal:contact", args=[contact.pk]))
    assert page.status_code == 200
    assert "Send for review" in page.content.decode()


def test_j6_defer_without_date_is_refused(agent: Client, agent_a: User) -> None:
    contact = _contact(agent_a)
    response = agent.post(
        reverse("journal:act", args=[contact.pk]), {"act": "defer"}, follow=True
    )
    assert "Give the date by which the answer is due." in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.IN_WORK


def test_outsider_cannot_open_or_act_on_team_a_contacts(
    agent_a: User, agent_b: User
) -> None:
    contact = _contact(agent_a)
    outsider = verified_client(agent_b)
    assert (
        outsider.get(reverse("journal:contact", args=[contact.pk])).status_code == 404
    )
    for name, data in [
        ("journal:act", {"act": "close", "result": "r", "comment": "c"}),
        ("journal:save", {"summary": "hijack"}),
        ("journal:callback", {}),
        ("journal:message", {}),
        ("journal:link", {"other": "1"}),
    ]:
        assert outsider.post(reverse(name, args=[contact.pk]), data).status_code == 404
    contact.refresh_from_db()
    assert (contact.status, contact.summary) == (ContactStatus.IN_WORK, "")


def test_team_lead_opens_their_teams_contact_but_not_another_teams(
    agent_a: User, agent_b: User, team_lead: User
) -> None:
    mine = _contact(agent_a)
    theirs = _contact(agent_b)
    lead = verified_client(team_lead)
    assert lead.get(reverse("journal:contact", args=[mine.pk])).status_code == 200
    assert lead.get(reverse("journal:contact", args=[theirs.pk])).status_code == 404


# --- J5: the person's earlier contacts ------------------------------------------------


def test_j5_history_is_counted_before_authentication_and_shown_after_override(
    agent_a: User, specialist: User
) -> None:
    person = Person.objects.create(first_name="Ona", last_name="Marker")
    Contact.objects.create(
        agent=agent_a, person=person, summary="EARLIER-SECRET", status="closed"
    )
    contact = Contact.objects.create(agent=specialist, person=person)
    client = verified_client(specialist)
    body = client.get(reverse("clients:card", args=[contact.pk])).content.decode()
    assert "EARLIER-SECRET" not in body
    assert "1 earlier contact; shown after authentication." in body
    assert not AccessLog.objects.filter(category=DataCategory.CASE).exists()

    client.post(
        reverse("clients:override", args=[contact.pk]),
        {"reason": "Written request no. 12 on file"},
    )
    body = client.get(reverse("clients:card", args=[contact.pk])).content.decode()
    assert "EARLIER-SECRET" in body
    assert AccessLog.objects.filter(
        category=DataCategory.CASE, user_id=specialist.pk, contact_id=contact.pk
    ).exists()
    assert previous_handler(person.pk, exclude_contact=contact.pk) == agent_a.pk


def test_j5_linking_needs_the_same_person(agent: Client, agent_a: User) -> None:
    ona = Person.objects.create(first_name="Ona", last_name="A")
    jonas = Person.objects.create(first_name="Jonas", last_name="B")
    contact = _contact(agent_a, person=ona)
    same = _contact(agent_a, person=ona)
    other = _contact(agent_a, person=jonas)
    response = agent.post(
        reverse("journal:link", args=[contact.pk]), {"other": other.pk}, follow=True
    )
    assert "Only contacts of the same person can be linked." in (
        response.content.decode()
    )
    agent.post(reverse("journal:link", args=[contact.pk]), {"other": f"#{same.pk}"})
    assert list(contact.related.all()) == [same]
    assert list(same.related.all()) == [contact]


# --- C1–C3 callbacks from the desk ----------------------------------------------------


def _window(hours: int) -> dict[str, str]:
    start = timezone.localtime() + datetime.timedelta(hours=hours)
    end = start + datetime.timedelta(hours=1)
    return {
        "window_start": start.strftime("%Y-%m-%dT%H:%M"),
        "window_end": end.strftime("%Y-%m-%dT%H:%M"),
    }


def test_c1_callback_in_the_past_is_refused_and_nothing_saved(
    agent: Client, agent_a: User
) -> None:
    contact = _contact(agent_a)
    response = agent.post(
        reverse("journal:callback", args=[contact.pk]),
        {**_window(-3), "who": "me"},
        follow=True,
    )
    assert "The callback time is in the past." in response.content.decode()
    assert Callback.objects.count() == 0


def test_c2_callback_is_kept_only_after_the_checklist(
    agent: Client, agent_a: User
) -> None:
    contact = _contact(agent_a)
    agent.post(
        reverse("journal:callback", args=[contact.pk]),
        {**_window(0), "who": "me", "note": "tell the amount"},
    )
    callback = Callback.objects.get()
    assert callback.responsible_id == agent_a.pk
    assert "tell the amount" in agent.get(reverse("journal:worklist")).content.decode()
    url = reverse("journal:callback-attempt", args=[callback.pk])
    refused = agent.post(url, {"outcome": "reached"}, follow=True)
    assert "confirm you spoke to the right person" in refused.content.decode()
    callback.refresh_from_db()
    assert callback.attempts == 0
    agent.post(url, {"outcome": "reached", "right_person": "1", "can_talk": "1"})
    callback.refresh_from_db()
    assert (callback.status, callback.attempts) == (CallbackStatus.DONE, 1)


def test_c1_team_callback_needs_a_team(agent_a: User, specialist: User) -> None:
    contact = _contact(specialist)
    client = verified_client(specialist)
    response = client.post(
        reverse("journal:callback", args=[contact.pk]),
        {**_window(1), "who": "team"},
        follow=True,
    )
    assert "You are not in a team" in response.content.decode()
    assert Callback.objects.count() == 0


def test_outsider_cannot_record_someone_elses_callback(
    agent_a: User, agent_b: User
) -> None:
    start = timezone.now() + datetime.timedelta(minutes=5)
    callback = Callback.objects.create(
        contact=_contact(agent_a),
        phone="+37060000001",
        window_start=start,
        window_end=start + datetime.timedelta(hours=1),
        responsible=agent_a,
    )
    outsider = verified_client(agent_b)
    response = outsider.post(
        reverse("journal:callback-attempt", args=[callback.pk]),
        {"outcome": "no_answer"},
    )
    assert response.status_code == 404
    callback.refresh_from_db()
    assert callback.attempts == 0


# --- C4–C6 messages from the desk ----------------------------------------------------


@pytest.fixture
def away_colleague(
    department: Department, specialist: User, agent_a2: User
) -> dict[str, Employee]:
    colleague = Employee.objects.create(
        first_name="Ona", last_name="Onaitė", department=department, user=specialist
    )
    substitute = Employee.objects.create(
        first_name="Petras", last_name="Petraitis", department=department, user=agent_a2
    )
    now = timezone.now()
    Absence.objects.create(
        employee=colleague,
        kind="vacation",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(days=2),
        substitute=substitute,
    )
    return {"colleague": colleague, "substitute": substitute}


def test_c5_lookup_shows_when_the_colleague_is_back_and_who_substitutes(
    agent: Client, away_colleague: dict[str, Employee]
) -> None:
    body = agent.get(reverse("journal:colleagues"), {"q": "onaite"}).content.decode()
    assert "Away" in body
    assert "Back " in body
    assert "The message goes to the substitute Petras Petraitis." in body
    assert "Also competent:" in body


def test_c5_message_for_an_absent_colleague_goes_to_the_substitute(
    agent: Client, agent_a: User, agent_a2: User, away_colleague: dict[str, Employee]
) -> None:
    contact = _contact(agent_a)
    agent.post(
        reverse("journal:message", args=[contact.pk]),
        {
            "colleague": away_colleague["colleague"].pk,
            "caller_name": "Jonas Jonaitis",
            "phone": "+37060000009",
            "reason": "About the training plan",
        },
    )
    message = ColleagueMessage.objects.get()
    assert message.delivered_to == away_colleague["substitute"]
    substitute = verified_client(agent_a2)
    work = substitute.get(reverse("journal:worklist")).content.decode()
    assert "About the training plan" in work
    assert "you substitute" in work
    close = reverse("journal:message-close", args=[message.pk])
    refused = substitute.post(close, {"outcome": ""}, follow=True)
    assert "Write the outcome of the call back." in refused.content.decode()
    substitute.post(close, {"outcome": "Called back, answered"})
    message.refresh_from_db()
    assert message.closed_at is not None


def test_c4_message_to_a_nonexistent_colleague_is_refused(
    agent: Client, agent_a: User
) -> None:
    contact = _contact(agent_a)
    response = agent.post(
        reverse("journal:message", args=[contact.pk]),
        {
            "colleague": 999999,
            "caller_name": "Jonas",
            "phone": "+37060000009",
            "reason": "x",
        },
        follow=True,
    )
    assert "Choose the colleague the message is for." in response.content.decode()
    assert ColleagueMessage.objects.count() == 0


def test_outsider_cannot_read_someone_elses_message(
    agent_a: User, agent_b: User, away_colleague: dict[str, Employee]
) -> None:
    message = ColleagueMessage.objects.create(
        intended_for=away_colleague["colleague"],
        delivered_to=away_colleague["substitute"],
        taken_by=agent_a,
        caller_name="Jonas",
        phone="+37060000009",
        reason="x",
    )
    outsider = verified_client(agent_b)
    for name in ("journal:message-read", "journal:message-close"):
        assert outsider.post(reverse(name, args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


# --- the team lead's view and query counts --------------------------------------------


def test_team_lead_sees_open_due_and_overdue_of_their_team(
    agent_a: User, agent_b: User, team_lead: User, specialist: User
) -> None:
    _contact(agent_a)
    late = _contact(agent_b)
    Contact.objects.filter(pk=late.pk).update(
        status=ContactStatus.DEFERRED_ANSWER,
        assignee=agent_a,
        due=timezone.localdate() - datetime.timedelta(days=1),
    )
    response = verified_client(team_lead).get(reverse("journal:team"))
    loads = {m.user.username: m for m in response.context["loads"]}
    assert set(loads) == {"agent_a", "team_lead"}
    assert loads["agent_a"].open_contacts == 1
    assert loads["agent_a"].deferred_overdue == 1
    assert [c.pk for c in response.context["overdue"]] == [late.pk]


def test_supervisor_chooses_the_team(
    supervisor: User, agent_b: User, team_b: Team
) -> None:
    _contact(agent_b)
    response = verified_client(supervisor).get(
        reverse("journal:team"), {"team": team_b.pk}
    )
    loads = {m.user.username: m for m in response.context["loads"]}
    assert loads["agent_b"].open_contacts == 1


def test_work_list_and_team_view_take_a_fixed_number_of_queries(
    agent_a: User,
    team_lead: User,
    django_assert_max_num_queries: Any,
) -> None:
    start = timezone.now()
    for i in range(12):
        contact = _contact(agent_a)
        Callback.objects.create(
            contact=contact,
            phone="+37060000001",
            window_start=start,
            window_end=start + datetime.timedelta(hours=1),
            responsible=agent_a,
        )
        Contact.objects.filter(pk=contact.pk).update(
            status=ContactStatus.DEFERRED_ANSWER,
            assignee=agent_a,
            due=timezone.localdate() + datetime.timedelta(days=i - 3),
        )
    client = verified_client(agent_a)
    lead = verified_client(team_lead)
    client.get(reverse("journal:worklist"))
    lead.get(reverse("journal:team"))
    with django_assert_max_num_queries(12):
        client.get(reverse("journal:worklist"))
    with django_assert_max_num_queries(16):
        lead.get(reverse("journal:team"))


# --- the journal list (J1) ------------------------------------------------------------


def test_j1_journal_list_filters_pages_and_hides_other_teams(
    agent_a: User, agent_b: User, topics: dict[str, Topic]
) -> None:
    for i in range(55):
        _contact(agent_a, type="consultation" if i % 5 else "complaint")
    _contact(agent_b, summary="team B")
    client = verified_client(agent_a)
    first = client.get(reverse("journal:list"))
    assert len(first.context["rows"]) == 50
    assert all(c.agent_id == agent_a.pk for c in first.context["rows"])
    second = client.get(f"{reverse('journal:list')}?{first.context['next_query']}")
    assert len(second.context["rows"]) == 5
    assert not {c.pk for c in first.context["rows"]} & {
        c.pk for c in second.context["rows"]
    }
    assert second.context["next_query"] == ""
    complaints = client.get(reverse("journal:list"), {"type": "complaint"})
    assert len(complaints.context["rows"]) == 11
    outsider = verified_client(agent_b).get(reverse("journal:list"))
    assert [c.agent_id for c in outsider.context["rows"]] == [agent_b.pk]


def test_j1_journal_list_refuses_an_inverted_period(agent: Client) -> None:
    response = agent.get(
        reverse("journal:list"), {"start": "2026-05-10", "end": "2026-05-01"}
    )
    assert response.status_code == 422
    assert "The period ends before it starts." in response.content.decode()


def test_j1_journal_list_takes_a_fixed_number_of_queries(
    agent_a: User, topics: dict[str, Topic], django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        _contact(agent_a, topic=topics["amount"] if i % 2 else topics["rude"])
    client = verified_client(agent_a)
    client.get(reverse("journal:list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("journal:list"))


def test_c1_callbacks_kept_on_time_is_measured(agent_a: User, team_lead: User) -> None:
    now = timezone.now()
    contact = _contact(agent_a)

    def callback(hours_ago: int, **fields: Any) -> Callback:
        end = now - datetime.timedelta(hours=hours_ago)
        return Callback.objects.create(
            contact=contact,
            phone="+37060000001",
            window_start=end - datetime.timedelta(hours=1),
            window_end=end,
            responsible=agent_a,
            **fields,
        )

    callback(5, status="done", kept_at=now - datetime.timedelta(hours=5, minutes=30))
    callback(4, status="done", kept_at=now - datetime.timedelta(hours=3))
    callback(3, status="failed")
    callback(2)  # still open after its window: not kept
    callback(1, status="cancelled")
    response = verified_client(team_lead).get(reverse("journal:team"))
    kept = response.context["kept"]
    assert (kept.due, kept.kept_on_time, kept.kept_late, kept.failed) == (4, 1, 1, 1)
    assert kept.rate == 0.25
    assert "25 %" in response.content.decode()


def test_j6_every_act_on_a_contact_is_in_its_history(
    agent: Client, agent_a: User, topics: dict[str, Topic], away_colleague: Any
) -> None:
    contact = open_contact(agent_a, phone="+37060000005")
    agent.post(
        reverse("journal:save", args=[contact.pk]),
        {"topic": topics["amount"].pk, "summary": "s"},
    )
    agent.post(
        reverse("journal:callback", args=[contact.pk]), {**_window(1), "who": "me"}
    )
    agent.post(
        reverse("journal:callback-attempt", args=[Callback.objects.get().pk]),
        {"outcome": "no_answer"},
    )
    agent.post(
        reverse("journal:message", args=[contact.pk]),
        {
            "colleague": away_colleague["colleague"].pk,
            "caller_name": "Jonas",
            "phone": "+37060000009",
            "reason": "x",
        },
    )
    acts = list(contact.history.order_by("pk").values_list("act", flat=True))
    assert acts == ["open", "journal", "callback", "callback_attempt", "message"]


def test_j9_desk_sends_a_complaint_to_its_department_with_the_statutory_term(
    agent: Client, agent_a: User, team_lead: User, department: Department
) -> None:
    from infoline.journal.models import DeadlineRule

    DeadlineRule.objects.create(
        contact_type="complaint", department=department, working_days=20
    )
    contact = _contact(agent_a, type="complaint")
    page = agent.get(reverse("clients:card", args=[contact.pk])).content.decode()
    assert "answers within 20 working days" in page
    response = agent.post(
        reverse("journal:act", args=[contact.pk]), {"act": "route"}, follow=True
    )
    assert "Sent to" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DEFERRED_ANSWER
    assert contact.department_id == department.pk
    assert contact.assignee_id == team_lead.pk
    assert contact.due is not None and contact.due > timezone.localdate()


def test_j9_route_without_a_rule_is_refused(agent: Client, agent_a: User) -> None:
    contact = _contact(agent_a, type="proposal")
    response = agent.post(
        reverse("journal:act", args=[contact.pk]), {"act": "route"}, follow=True
    )
    assert "No statutory deadline is set" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.IN_WORK


def test_t8_the_lines_callback_reaches_the_work_list_and_whoever_calls_takes_it(
    agent_a: User, agent_a2: User
) -> None:
    from infoline.journal.services import schedule_line_callback

    assert (
        schedule_line_callback(
            phone="", line_number="+37052000000", origin="dropped", call_id="anon"
        )
        is None
    )  # an anonymous caller gets no callback (T6)
    first = schedule_line_callback(
        phone="+37060000077", line_number="+37052000000", origin="queue", call_id="q-1"
    )
    again = schedule_line_callback(
        phone="+37060000077", line_number="+37052000000", origin="queue", call_id="q-1"
    )
    assert first is not None and again is not None and first.pk == again.pk
    assert Callback.objects.count() == 1
    for user in (agent_a, agent_a2):
        work = verified_client(user).get(reverse("journal:worklist")).content.decode()
        assert "+370 600 00077" in work or "+37060000077" in work
    verified_client(agent_a).post(
        reverse("journal:callback-attempt", args=[first.pk]), {"outcome": "no_answer"}
    )
    first.refresh_from_db()
    assert (first.responsible_id, first.attempts) == (agent_a.pk, 1)
    # Taken: it now belongs to agent A alone.
    work = verified_client(agent_a2).get(reverse("journal:worklist")).content.decode()
    assert "00077" not in work


def test_j1_the_contact_names_the_employer_by_registry_code(
    agent: Client, agent_a: User
) -> None:
    from infoline.clients.models import Employer

    employer = Employer.objects.create(
        name="UAB Pavyzdys", code_scheme="LT:imones_kodas", code="304567890"
    )
    contact = _contact(agent_a)
    url = reverse("journal:save", args=[contact.pk])
    refused = agent.post(
        url, {"summary": "s", "employer": "111"}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 422
    assert "No employer in the registry has the code 111." in refused.content.decode()
    contact.refresh_from_db()
    assert (contact.employer_id, contact.summary) == (None, "")
    saved = agent.post(
        url, {"summary": "s", "employer": "304 567 890"}, headers={"HX-Request": "true"}
    )
    assert "UAB Pavyzdys" in saved.content.decode()
    contact.refresh_from_db()
    assert contact.employer_id == employer.pk


def test_j1_journal_list_filters_keep_their_choices(
    agent_a: User, topics: dict[str, Topic]
) -> None:
    client = verified_client(agent_a)
    body = client.get(
        reverse("journal:list"), {"topic": topics["amount"].pk}
    ).content.decode()
    assert (
        f'<option value="{topics["amount"].pk}" selected>'
        "Unemployment benefit › Amount</option>"
    ) in body
    assert "&lt;option" not in body
