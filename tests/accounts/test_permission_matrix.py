"""Issue 3 item 4: the permission matrix is documented, enforced and complete.

Every URL of the application is walked as every role. A URL missing from
``PAGES`` (or an API path missing from ``API``) fails the test: adding a page
needs a decision here and in ``docs/permissions.md``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from infoline.accounts.choices import Role
from infoline.accounts.models import ApiToken, Department, Employee, OpeningCalendar
from infoline.accounts.permissions import ACTIONS, PERMISSIONS
from infoline.accounts.services import create_api_token
from infoline.clients.models import Person, Verification
from infoline.journal.models import Contact, Topic
from tests.conftest import verified_client

DOCS = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"

# URL name -> (method, action or None for public pages, kwargs key)
PAGES: dict[str, tuple[str, str | None, str | None]] = {
    "home": ("GET", "home.view", None),
    "accounts:login": ("GET", None, None),
    "accounts:logout": ("POST", None, None),
    "accounts:account": ("GET", "account.manage", None),
    "accounts:set-language": ("POST", None, None),
    "accounts:token-create": ("POST", "api.tokens", None),
    "accounts:token-revoke": ("POST", "api.tokens", "token"),
    "accounts:sign-out-everywhere": ("POST", "account.manage", None),
    "accounts:2fa-setup": ("GET", "account.manage", None),
    "accounts:2fa-verify": ("GET", "account.manage", None),
    "accounts:directory": ("GET", "directory.view", None),
    "accounts:directory-search": ("GET", "directory.view", None),
    "accounts:employee-detail": ("GET", "directory.view", "employee"),
    "accounts:department-detail": ("GET", "directory.view", "department"),
    "accounts:institutions": ("GET", "directory.view", None),
    "accounts:absences": ("GET", "absence.manage_own", None),
    "accounts:hours": ("GET", "hours.view", None),
    "accounts:calendar-detail": ("GET", "hours.view", "calendar"),
    "audit:list": ("GET", "audit.view", None),
    "journal:desk": ("GET", "desk.use", None),
    "telephony:flows": ("GET", "ivr.edit", None),
    "telephony:flow-edit": ("GET", "ivr.edit", "line"),
    "journal:list": ("GET", "desk.use", None),
    "journal:worklist": ("GET", "desk.use", None),
    "journal:team": ("GET", "desk.team", None),
    "journal:colleagues": ("GET", "desk.use", None),
    "journal:contact": ("GET", "desk.use", "contact"),
    "journal:save": ("POST", "desk.use", "contact"),
    "journal:topics": ("GET", "desk.use", "contact"),
    "journal:act": ("POST", "desk.use", "contact"),
    "journal:callback": ("POST", "desk.use", "contact"),
    "journal:message": ("POST", "desk.use", "contact"),
    "journal:link": ("POST", "desk.use", "contact"),
    "journal:callback-attempt": ("POST", "desk.use", "callback"),
    "journal:message-read": ("POST", "desk.use", "message"),
    "journal:message-close": ("POST", "desk.use", "message"),
    "knowledge:search": ("GET", "knowledge.view", None),
    "knowledge:search-results": ("GET", "knowledge.view", None),
    "knowledge:script-list": ("GET", "knowledge.view", None),
    "knowledge:script-new": ("GET", "knowledge.edit", None),
    "knowledge:script-detail": ("GET", "knowledge.view", "knowledge.script"),
    "knowledge:script-edit": ("POST", "knowledge.edit", "knowledge.script"),
    "knowledge:script-approve": ("POST", "knowledge.approve", "knowledge.draft"),
    "knowledge:script-return": ("POST", "knowledge.approve", "knowledge.draft"),
    "knowledge:script-panel": ("GET", "knowledge.view", "knowledge.topic"),
    "knowledge:article-list": ("GET", "knowledge.view", None),
    "knowledge:article-new": ("POST", "knowledge.edit", None),
    "knowledge:article-detail": ("GET", "knowledge.view", "knowledge.article"),
    "knowledge:article-edit": ("GET", "knowledge.edit", "knowledge.article"),
    "knowledge:article-reviewed": ("POST", "knowledge.edit", "knowledge.article"),
    "knowledge:attachment-upload": ("POST", "knowledge.edit", "knowledge.article"),
    "knowledge:attachment-download": ("GET", "knowledge.view", "knowledge.attachment"),
    "knowledge:reviews-due": ("GET", "knowledge.edit", None),
    "knowledge:announcements": ("GET", "knowledge.view", None),
    "knowledge:announcement-new": ("POST", "knowledge.announce", None),
    "knowledge:announcement-edit": (
        "GET",
        "knowledge.announce",
        "knowledge.announcement",
    ),
    "knowledge:announcements-panel": ("GET", "knowledge.view", None),
    "clients:card": ("GET", "clients.search", "contact"),
    "clients:select-person": ("POST", "clients.search", "contact+person"),
    "clients:verify": ("POST", "clients.search", "contact"),
    "clients:answer": ("POST", "clients.search", "contact+verification"),
    "clients:extra-question": ("POST", "clients.search", "contact+verification"),
    "clients:override": ("POST", "clients.override", "contact"),
    "clients:login-reminder": ("POST", "clients.search", "contact"),
    "clients:register-person": ("POST", "clients.search", "contact"),
    "clients:consent": ("POST", "clients.search", "contact"),
    "clients:privacy": ("GET", "privacy.audit", None),
    "clients:person-access": ("GET", "privacy.audit", "person_id"),
    "clients:employee-access": ("GET", "privacy.audit", "user_id"),
    "clients:person-export": ("GET", "privacy.audit", "person_id"),
    "clients:erasure-request": ("POST", "privacy.audit", "person_id"),
    "clients:erasures": ("GET", "privacy.approve", None),
    "clients:erasure-decide": ("POST", "privacy.approve", "erasure"),
    "records:attachments": ("GET", "journal.attachments", "contact"),
    "records:attachment-upload": ("POST", "journal.attachments", "contact"),
    "records:attachment-download": ("GET", "journal.attachments", "attachment"),
    "records:export": ("GET", "journal.export", None),
    "records:result-notice": ("GET", "desk.use", "contact"),
    "records:inform": ("POST", "desk.use", "contact"),
    "clients:import": ("GET", "clients.import", None),
    "clients:import-job": ("GET", "clients.import", "import_job"),
    "clients:import-report": ("GET", "clients.import", "import_job"),
    "realtime:wallboard": ("GET", "wallboard.view", None),
    "realtime:phone": ("GET", "telephony.softphone", None),
    "realtime:agent-state": ("POST", "wallboard.agent_state", None),
    "realtime:emergency": ("POST", "wallboard.emergency", None),
    "realtime:agent-skills": ("POST", "wallboard.agent_state", None),
    "workforce:plan": ("GET", "workforce.plan", None),
    "workforce:plan-export": ("GET", "workforce.plan", None),
    "workforce:histories": ("GET", "workforce.plan", None),
    "workforce:schedules": ("GET", "workforce.plan", None),
    "workforce:schedule": ("GET", "workforce.plan", "workforce.schedule"),
    "workforce:schedule-stop": ("POST", "workforce.plan", "workforce.schedule"),
    "workforce:schedule-publish": ("POST", "workforce.plan", "workforce.schedule"),
    "workforce:schedule-export": ("GET", "workforce.plan", "workforce.schedule"),
    "workforce:adherence": ("GET", "workforce.adherence", None),
    "workforce:my-schedule": ("GET", "workforce.own_schedule", None),
    "workforce:swap-request": ("POST", "workforce.own_schedule", "workforce.own_shift"),
    "workforce:swaps": ("GET", "workforce.approve_swaps", None),
    "workforce:swap-decide": ("POST", "workforce.approve_swaps", "workforce.swap"),
}
# Allowed acts that end the session and so land on the sign-in page.
ENDS_SESSION = {"accounts:sign-out-everywhere"}
# Prefixes whose URLs are checked elsewhere: the admin site (its own test below)
# and the API (walked from its OpenAPI document).
DELEGATED = ("admin:", "api:")

# API path -> (method, action); POST bodies come from API_BODIES.
API: dict[str, tuple[str, str]] = {
    "/api/directory/employees": ("GET", "directory.view"),
    "/api/directory/employees/{employee_id}": ("GET", "directory.view"),
    "/api/directory/departments": ("GET", "directory.view"),
    "/api/directory/departments/{department_id}/handler": ("GET", "directory.view"),
    "/api/directory/institutions": ("GET", "directory.view"),
    "/api/hours/calendars": ("GET", "hours.view"),
    "/api/hours/calendars/{calendar_id}": ("GET", "hours.view"),
    "/api/hours/lines": ("GET", "hours.view"),
    "/api/clients/persons": ("GET", "clients.search"),
    "/api/clients/contacts": ("POST", "clients.search"),
    "/api/clients/contacts/{contact_id}/person": ("GET", "clients.search"),
    "/api/clients/contacts/{contact_id}/select": ("POST", "clients.search"),
    "/api/clients/contacts/{contact_id}/verifications": ("POST", "clients.search"),
    "/api/clients/contacts/{contact_id}/verifications/{verification_id}/answers": (
        "POST",
        "clients.search",
    ),
    "/api/knowledge/search": ("GET", "knowledge.view"),
    "/api/knowledge/announcements": ("GET", "knowledge.view"),
    "/api/knowledge/topics/{topic_id}/script": ("GET", "knowledge.view"),
}
API_BODIES: dict[str, dict[str, Any]] = {
    "/api/clients/contacts": {"phone": ""},
    "/api/clients/contacts/{contact_id}/select": {"person_id": 0},
    "/api/clients/contacts/{contact_id}/verifications": {"identity_code": "0"},
    "/api/clients/contacts/{contact_id}/verifications/{verification_id}/answers": {
        "question_id": 0,
        "answer": "x",
    },
}


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def _docs_matrix() -> dict[str, frozenset[str]]:
    lines = [
        line
        for line in DOCS.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    ]
    header = next(
        line
        for line in DOCS.read_text(encoding="utf-8").splitlines()
        if line.startswith("| action")
    )
    roles = [cell.strip() for cell in header.strip("|").split("|")][2:]
    matrix = {}
    for line in lines:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        action = cells[0].strip("`")
        matrix[action] = frozenset(
            role for role, mark in zip(roles, cells[2:], strict=True) if mark == "✔"
        )
    return matrix


def test_docs_table_equals_code_matrix() -> None:
    assert _docs_matrix() == PERMISSIONS
    assert set(Role.values) == {
        r for roles in PERMISSIONS.values() for r in roles
    } | set(Role.values)


def test_every_url_has_a_decision() -> None:
    names = {name for name in _url_names() if not name.startswith(DELEGATED)}
    assert names == set(PAGES), (
        "add the new URL to PAGES and its action to docs/permissions.md"
    )
    for _method, action, _kw in PAGES.values():
        assert action is None or action in ACTIONS


@pytest.fixture
def objects(personas: dict[str, Any]) -> dict[str, Any]:
    department = Department.objects.get(code="cc")
    employee = Employee.objects.create(
        first_name="Ona", last_name="Onaitė", department=department, extension="2999"
    )
    calendar = OpeningCalendar.objects.create(name="Centre")
    person = Person.objects.create(first_name="Canary", last_name="Person")
    return {
        "department": department,
        "employee": employee,
        "calendar": calendar,
        "person": person,
    }


def _kwargs(key: str | None, objects: dict[str, Any], user: Any) -> dict[str, Any]:
    if key is None:
        return {}
    if key.startswith("contact"):
        # Contacts are reachable only by their own employee: each role gets its own.
        contact = Contact.objects.create(agent=user)
        kwargs: dict[str, Any] = {"pk": contact.pk}
        if key.endswith("+person"):
            kwargs["person_id"] = objects["person"].pk
        if key.endswith("+verification"):
            kwargs["verification_id"] = Verification.objects.create(
                contact=contact, person=objects["person"], agent=user
            ).pk
        return kwargs
    if key.startswith("knowledge."):
        from tests.knowledge.walk import walk_kwargs

        return walk_kwargs(key, user)
    if key.startswith("workforce."):
        from tests.workforce_pages.walk import walk_kwargs as workforce_kwargs

        return workforce_kwargs(key, user)
    if key == "person_id":
        return {"person_id": objects["person"].pk}
    if key == "line":
        from infoline.accounts.models import PublicLine

        line, _new = PublicLine.objects.get_or_create(
            number="+37052000001", defaults={"name": "Walk line"}
        )
        return {"line_id": line.pk}
    if key == "callback":
        # Callbacks and messages are reachable only by whom they are for.
        import datetime

        from django.utils import timezone

        from infoline.journal.models import Callback

        start = timezone.now() + datetime.timedelta(hours=1)
        callback = Callback.objects.create(
            contact=Contact.objects.create(agent=user),
            phone="+37060000000",
            window_start=start,
            window_end=start + datetime.timedelta(hours=1),
            responsible=user,
        )
        return {"callback_id": callback.pk}
    if key == "message":
        from infoline.journal.models import ColleagueMessage

        me = Employee.objects.filter(user=user).first() or Employee.objects.create(
            first_name="Walk",
            last_name=user.username,
            user=user,
            department=Department.objects.get(code="cc"),
        )
        message = ColleagueMessage.objects.create(
            intended_for=me,
            delivered_to=me,
            taken_by=user,
            caller_name="Walk",
            phone="+37060000000",
            reason="walk",
        )
        return {"message_id": message.pk}
    if key == "attachment":
        # Attachments are reachable through their contact: each role its own.
        import datetime

        from django.core.files.base import ContentFile

        from infoline.journal.models import ContactAttachment

        attachment = ContactAttachment(
            contact=Contact.objects.create(agent=user),
            original_name="walk.txt",
            content_type="text/plain",
            size=4,
            sha256="0" * 64,
            document_number="walk",
            registered_on=datetime.date(2026, 1, 1),
            uploaded_by=user,
        )
        attachment.file.save("walk", ContentFile(b"walk"), save=True)
        return {"pk": attachment.pk}
    if key == "erasure":
        other = objects["person"]
        from infoline.clients.models import ErasureRequest

        erasure = ErasureRequest.objects.create(
            person=other, reason="walk", requested_by=user
        )
        return {"request_id": erasure.pk}
    if key == "import_job":
        from infoline.clients.models import ImportJob

        job = ImportJob.objects.create(
            kind="persons", file_name="walk.csv", file_format="csv", created_by=user
        )
        return {"job_id": job.pk}
    if key == "user_id":
        return {"user_id": user.pk}
    if key == "token":
        token = ApiToken.objects.filter(user=user, revoked_at__isnull=True).first()
        if token is None:
            token, _raw = create_api_token(user, "walk")
        return {"pk": token.pk}
    return {"pk": objects[key].pk}


def test_walk_every_page_as_every_role(
    personas: dict[str, Any], objects: dict[str, Any]
) -> None:
    for name, (method, action, key) in PAGES.items():
        if action is None:
            continue
        for role, user in personas.items():
            client = verified_client(user)
            url = reverse(name, kwargs=_kwargs(key, objects, user))
            response = client.post(url) if method == "POST" else client.get(url)
            allowed = role in PERMISSIONS[action]
            if allowed:
                assert response.status_code in {200, 302}, (
                    name,
                    role,
                    response.status_code,
                )
                if response.status_code == 302 and name not in ENDS_SESSION:
                    assert "/account/login/" not in response["Location"], (name, role)
            else:
                assert response.status_code == 403, (name, role, response.status_code)
        # Anonymous visitors are sent to sign in (POST-only views refuse GET first).
        url = reverse(name, kwargs=_kwargs(key, objects, personas[Role.AGENT]))
        response = Client().post(url) if method == "POST" else Client().get(url)
        assert (
            response.status_code == 302 and "/account/login/" in response["Location"]
        ), name


def test_admin_site_only_for_administrators(personas: dict[str, Any]) -> None:
    for role, user in personas.items():
        response = verified_client(user).get("/admin/")
        if role == Role.ADMINISTRATOR:
            assert response.status_code == 200
        else:
            assert (
                response.status_code == 302 and "/admin/login/" in response["Location"]
            ), role


def test_every_api_path_has_a_decision(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert set(schema["paths"]) == set(API)
    for path, (method, _action) in API.items():
        assert method.lower() in schema["paths"][path], path


def test_walk_every_api_path_as_every_role(
    personas: dict[str, Any], objects: dict[str, Any]
) -> None:
    for path, (method, action) in API.items():
        for role, user in [(None, personas[Role.AGENT]), *personas.items()]:
            contact = Contact.objects.create(agent=user, person=objects["person"])
            samples = {
                "employee_id": objects["employee"].pk,
                "department_id": objects["department"].pk,
                "calendar_id": objects["calendar"].pk,
                "contact_id": contact.pk,
                "topic_id": Topic.objects.create(type="consultation", name="Walk").pk,
                "verification_id": Verification.objects.create(
                    contact=contact, person=objects["person"], agent=user
                ).pk,
            }
            url = re.sub(r"\{(\w+)\}", lambda m, s=samples: str(s[m.group(1)]), path)
            headers = {}
            if role is not None:
                _token, raw = create_api_token(user, f"walk {path}")
                headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
            if method == "GET":
                response = Client().get(url, {"q": "ona"}, **headers)
            else:
                response = Client().post(
                    url, API_BODIES[path], content_type="application/json", **headers
                )
            if role is None:
                assert response.status_code == 401, path
            elif role in PERMISSIONS[action]:
                # Allowed: the act runs (and may refuse the sample input specifically).
                assert response.status_code in {200, 201, 404, 422}, (
                    path,
                    role,
                    response.status_code,
                )
                if response.status_code in {404, 422}:
                    assert response.json()["detail"] != "Your role does not allow this."
            else:
                assert response.status_code == 403, (path, role, response.status_code)
