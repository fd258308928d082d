"""Finding callers, authenticating them, and the disclosure gate (A1–A5).

Personal fields leave this module only through ``disclose``: it returns them
when the current contact has authenticated the person (or a representative
within scope), or when the user made a reasoned override their role allows;
otherwise the fields come back masked. Every disclosure writes an access-log
row. Callers above (views, API, exports) never read the fields directly.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from infoline.accounts.models import User
from infoline.accounts.permissions import has_action
from infoline.clients.choices import DataCategory, QuestionKind, VerificationStatus
from infoline.clients.models import (
    AccessLog,
    AccessOverride,
    AuthPolicy,
    AuthQuestion,
    Person,
    PersonAnswer,
    PersonPhone,
    Representative,
    Verification,
)
from infoline.journal.models import Contact
from infoline.lib.context import current_actor
from infoline.lib.text import fold, search_tokens

__all__ = [
    "FAILED_ATTEMPTS_LIMIT",
    "SEARCH_LIMIT",
    "PersonCard",
    "SearchResult",
    "answer_question",
    "disclose",
    "disclose_category",
    "find_by_identity",
    "find_by_phone",
    "override_access",
    "search_persons",
    "start_verification",
]

SEARCH_LIMIT = 10
FAILED_ATTEMPTS_LIMIT = 3
FAILED_ATTEMPTS_WINDOW = datetime.timedelta(hours=24)
MASK = "•••"


@dataclass(frozen=True)
class SearchResult:
    """At most ``SEARCH_LIMIT`` persons; ``more`` says the caller should narrow the search."""

    persons: list[Person]
    more: bool


def find_by_identity(code: str) -> Person | None:
    """Exact lookup by identity code (any scheme), spaces and dashes ignored."""
    compact = "".join(ch for ch in code if ch.isalnum()).upper()
    if not compact:
        return None
    return Person.objects.filter(identity_code=compact).first()


def find_by_phone(number: str) -> list[Person]:
    """Persons with ``number`` on file (caller ID); an invalid number finds nobody."""
    from infoline.accounts.validators import normalize_phone

    try:
        e164 = normalize_phone(number)
    except ValidationError:
        return []
    ids = PersonPhone.objects.filter(number=e164).values_list("person_id", flat=True)
    return list(Person.objects.filter(pk__in=ids)[:SEARCH_LIMIT])


def _prefix(field: str, prefix: str) -> Q:
    """Match keys starting with ``prefix`` as a half-open range the index serves.

    Keys are folded (lower case, no diacritics) and compared bytewise: SQLite's
    default collation is binary, and on PostgreSQL the key columns use the "C"
    collation (migration 0005), so the range is exactly the prefix.
    """
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


def search_persons(name: str, birth_date: datetime.date | None = None) -> SearchResult:
    """Search by name (and date of birth), ignoring case and diacritics (A5).

    One word is a surname prefix; with several, any of them may be the surname
    (people say "Jonas Petraitis" and "Petraitis Jonas") and the others must
    occur in the full name. When nothing matches, one typo is tolerated: persons
    whose surname is one letter off (or two letters swapped) are offered.
    """
    tokens = search_tokens(name)
    if not tokens:
        return SearchResult([], False)
    persons = Person.objects.all()
    if birth_date is not None:
        persons = persons.filter(birth_date=birth_date)
    # One query per reading of the words, each walking the name-order index
    # from the surname prefix and stopping at the first page; merged here.
    # (An OR of the readings would make the database sort every match.)
    pages: dict[int, Person] = {}
    for index, surname in enumerate(tokens):
        if len(tokens) > 1 and len(surname) < 2:
            continue
        query = _prefix("last_name_key", surname)
        for other in tokens[:index] + tokens[index + 1 :]:
            query &= Q(name_key__contains=other)
        ordered = persons.filter(query).order_by("last_name_key", "name_key", "pk")
        for person in ordered[: SEARCH_LIMIT + 1]:
            pages[person.pk] = person
    found = sorted(pages.values(), key=lambda p: (p.last_name_key, p.name_key, p.pk))
    if not found:
        found = _near_misses(persons, tokens)
    return SearchResult(found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT)


def _near_misses(persons: QuerySet[Person], tokens: list[str]) -> list[Person]:
    """Persons whose surname is one typo away from a word of the query.

    A typo is one letter left out, added, changed, or two neighbours swapped.
    Every such spelling of the word is generated (a few hundred) and looked up
    exactly, so the index answers and no surname is compared one by one.
    """
    found: list[Person] = []
    for index, token in enumerate(tokens):
        if len(token) < 4:
            continue
        others = tokens[:index] + tokens[index + 1 :]
        spellings = sorted(_one_typo_away(token))
        for start in range(0, len(spellings), 400):
            query = Q(last_name_key__in=spellings[start : start + 400])
            for other in others:
                query &= Q(name_key__contains=other)
            ordered = persons.filter(query).order_by("last_name_key", "name_key", "pk")
            found.extend(ordered[: SEARCH_LIMIT + 1])
    unique = {person.pk: person for person in found}
    ordered_all = sorted(
        unique.values(), key=lambda p: (p.last_name_key, p.name_key, p.pk)
    )
    return ordered_all[: SEARCH_LIMIT + 1]


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _one_typo_away(word: str) -> set[str]:
    """Every string one deletion, insertion, substitution or swap from ``word``."""
    letters = set(_ALPHABET) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changes = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | swaps | changes | inserts) - {word}


# --- authentication ---------------------------------------------------------


def _expected(question: AuthQuestion, person: Person) -> str | None:
    """The folded expected answer to ``question`` for ``person``, or None if unknown."""
    if question.kind == QuestionKind.REGISTERED_ON:
        return person.registered_on.isoformat() if person.registered_on else None
    if question.kind == QuestionKind.BIRTH_DATE:
        return person.birth_date.isoformat() if person.birth_date else None
    if question.kind == QuestionKind.LAST_OFFICE:
        return str(person.last_office_id) if person.last_office_id else None
    if question.kind == QuestionKind.PHONE_DIGITS:
        phone = person.phones.order_by("pk").first()
        return phone.number[-4:] if phone else None
    answer = PersonAnswer.objects.filter(person=person, question=question).first()
    return answer.answer_key if answer else None


def _proves_something(question: AuthQuestion, person: Person, contact: Contact) -> bool:
    """A question whose answer the caller ID already shows proves nothing."""
    if question.kind == QuestionKind.PHONE_DIGITS and contact.phone:
        return not person.phones.filter(number=contact.phone).exists()
    return True


def _normalise_answer(question: AuthQuestion, raw: str) -> str:
    text = raw.strip()
    if question.kind in {QuestionKind.REGISTERED_ON, QuestionKind.BIRTH_DATE}:
        for fmt in ("%Y-%m-%d", "%Y.%m.%d", "%d.%m.%Y", "%d/%m/%Y"):
            try:
                return datetime.datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        return text
    if question.kind == QuestionKind.PHONE_DIGITS:
        return "".join(ch for ch in text if ch.isdigit())[-4:]
    return fold(text)


def questions_required(contact: Contact) -> int:
    policy = (
        AuthPolicy.objects.filter(line_id=contact.line_id).first()
        if contact.line_id
        else None
    )
    policy = policy or AuthPolicy.objects.filter(line__isnull=True).first()
    return policy.questions if policy else 2


def failed_attempts(person: Person, now: datetime.datetime | None = None) -> int:
    """Failed authentications of ``person`` in the last 24 hours, across contacts."""
    now = now or timezone.now()
    return Verification.objects.filter(
        person=person,
        status=VerificationStatus.FAILED,
        ended_at__gte=now - FAILED_ATTEMPTS_WINDOW,
    ).count()


@transaction.atomic
def start_verification(
    agent: User, contact: Contact, person: Person, identity_code: str
) -> Verification:
    """Begin authenticating the caller as ``person`` for ``contact`` (A2).

    The caller first gives the identity code; a code that is not the person's
    ends the attempt as failed (``answers == {"identity_code": False}``). Then
    the policy's number of questions is drawn from the bank, among those the
    registry can check for this person. Raises ``ValidationError`` with a
    specific message when the attempt cannot start.
    """
    if not contact.is_open:
        raise ValidationError(
            _("This contact is closed; authentication belongs to an open contact.")
        )
    compact = "".join(ch for ch in identity_code if ch.isalnum()).upper()
    if not compact:
        raise ValidationError(_("Type the identity code the caller gives."))
    if not person.identity_code or compact != person.identity_code:
        # A failed attempt: recorded (it counts), not raised, so it is kept.
        failed = Verification.objects.create(
            contact=contact,
            person=person,
            agent=agent,
            status=VerificationStatus.FAILED,
            ended_at=timezone.now(),
            answers={"identity_code": False},
        )
        _after_failure(person, agent)
        return failed
    candidates = [
        q
        for q in AuthQuestion.objects.filter(active=True)
        if _expected(q, person) is not None and _proves_something(q, person, contact)
    ]
    needed = questions_required(contact)
    if len(candidates) < needed:
        raise ValidationError(
            _(
                "The registry holds answers to only %(n)s approved questions for this person; %(needed)s are required."
            )
            % {"n": len(candidates), "needed": needed}
        )
    rng = random.Random()
    asked = [q.pk for q in rng.sample(candidates, needed)]
    verification = Verification.objects.create(
        contact=contact, person=person, agent=agent, asked=asked
    )
    return verification


@transaction.atomic
def answer_question(
    verification: Verification, question_id: int, raw_answer: str
) -> Verification:
    """Record the caller's answer; never reveals the expected one (A2).

    A wrong answer fails the attempt (counted towards the impersonation flag);
    the person is authenticated only when every asked question is answered
    right.
    """
    verification = Verification.objects.select_for_update().get(pk=verification.pk)
    if verification.status != VerificationStatus.PENDING:
        raise ValidationError(_("This authentication attempt has already ended."))
    if question_id not in verification.asked:
        raise ValidationError(_("That question was not asked in this attempt."))
    if str(question_id) in verification.answers:
        raise ValidationError(_("That question has already been answered."))
    if not raw_answer.strip():
        raise ValidationError(_("Type what the caller answered."))
    question = AuthQuestion.objects.get(pk=question_id)
    right = _normalise_answer(question, raw_answer) == _expected(
        question, verification.person
    )
    verification.answers = {**verification.answers, str(question_id): right}
    if not right:
        verification.status = VerificationStatus.FAILED
        verification.ended_at = timezone.now()
    elif all(str(q) in verification.answers for q in verification.asked):
        verification.status = VerificationStatus.PASSED
        verification.ended_at = timezone.now()
    verification.save(update_fields=["answers", "status", "ended_at"])
    if not right:
        _after_failure(verification.person, verification.agent)
    return verification


@transaction.atomic
def ask_extra_question(verification: Verification) -> Verification:
    """Add one more question when the agent is in doubt (A2, LT 15)."""
    verification = Verification.objects.select_for_update().get(pk=verification.pk)
    if verification.status == VerificationStatus.FAILED:
        raise ValidationError(_("This authentication attempt has already ended."))
    remaining = [
        q
        for q in AuthQuestion.objects.filter(active=True).exclude(
            pk__in=verification.asked
        )
        if _expected(q, verification.person) is not None
    ]
    if not remaining:
        raise ValidationError(
            _("No further approved question can be checked for this person.")
        )
    verification.asked = [*verification.asked, random.Random().choice(remaining).pk]
    verification.status = VerificationStatus.PENDING
    verification.ended_at = None
    verification.save(update_fields=["asked", "status", "ended_at"])
    return verification


def _after_failure(person: Person, agent: User) -> None:
    """Flag the person after repeated failures and tell the team lead (A2).

    The agent's own team lead is told; without one, every team lead.
    """
    if failed_attempts(person) >= FAILED_ATTEMPTS_LIMIT and person.flagged_at is None:
        person.flagged_at = timezone.now()
        person.save(update_fields=["flagged_at"])
        from django.core.mail import send_mail

        from infoline.accounts.choices import Role

        team_lead = agent.team.lead if agent.team is not None else None
        if team_lead is not None and team_lead.is_active and team_lead.email:
            leads = [team_lead.email]
        else:
            leads = list(
                User.objects.filter(role=Role.TEAM_LEAD, is_active=True)
                .exclude(email="")
                .values_list("email", flat=True)
            )
        if leads:
            send_mail(
                _("Possible impersonation: repeated failed authentication"),
                _(
                    "Authentication of person #%(id)s failed %(n)s times within 24 hours. Check the recent contacts."
                )
                % {"id": person.pk, "n": failed_attempts(person)},
                None,
                leads,
            )


# --- the disclosure gate -----------------------------------------------------


def authenticated_caller(contact: Contact) -> Person | None:
    """The person the caller of ``contact`` proved to be, while the contact is open."""
    if not contact.is_open:
        return None
    verification = (
        Verification.objects.filter(contact=contact, status=VerificationStatus.PASSED)
        .select_related("person")
        .last()
    )
    return verification.person if verification else None


def _allowed_categories(
    user: User, person: Person, contact: Contact | None
) -> tuple[set[str], str]:
    """Which categories of ``person`` may be shown to ``user`` now, and why."""
    if contact is not None and contact.agent_id == user.pk:
        caller = authenticated_caller(contact)
        if caller is not None and caller.pk == person.pk:
            return set(
                DataCategory.values
            ), f"contact #{contact.pk}: caller authenticated"
        if caller is not None:
            today = timezone.localdate()
            grant = (
                Representative.objects.filter(
                    person=person, agent=caller, valid_from__lte=today
                )
                .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
                .first()
            )
            if grant is not None:
                return set(
                    grant.scope
                ), f"contact #{contact.pk}: authenticated representative"
        override = AccessOverride.objects.filter(
            user=user, person=person, contact=contact
        ).last()
        if override is not None:
            return set(DataCategory.values), f"override: {override.reason}"
    return set(), ""


@dataclass
class PersonCard:
    """A person as a user may see them now; masked fields hold ``MASK``."""

    person_id: int
    first_name: str
    last_name: str
    authenticated: bool
    reason: str
    flagged: bool
    fields: dict[str, Any] = field(default_factory=dict)
    masked: set[str] = field(default_factory=set)


FIELDS_BY_CATEGORY: dict[str, list[str]] = {
    DataCategory.IDENTITY: ["identity_code", "birth_date"],
    DataCategory.CONTACT_DETAILS: ["address", "postal_code", "email", "phones"],
    DataCategory.ESERVICE: ["eservice_login"],
    DataCategory.CASE: ["registered_on", "last_office", "consents", "representations"],
}


def disclose(user: User, person: Person, contact: Contact | None) -> PersonCard:
    """Return what ``user`` may see of ``person`` during ``contact``; log every disclosure.

    Names are general information (they are what the caller says); every other
    field is personal and shown only per ``_allowed_categories``.
    """
    allowed, reason = _allowed_categories(user, person, contact)
    card = PersonCard(
        person_id=person.pk,
        first_name=person.first_name,
        last_name=person.last_name,
        authenticated=bool(allowed),
        reason=reason,
        flagged=person.flagged_at is not None,
    )
    actor = current_actor()
    for category, names in FIELDS_BY_CATEGORY.items():
        if category in allowed:
            for name in names:
                card.fields[name] = _value(person, name)
            AccessLog.objects.create(
                user_id=user.pk,
                user_name=user.get_username(),
                person=person,
                category=category,
                contact_id=contact.pk if contact else None,
                reason=reason,
                via=actor.via,
            )
        else:
            for name in names:
                card.fields[name] = MASK
                card.masked.add(name)
    return card


def disclose_category(
    user: User, person: Person, contact: Contact | None, category: str
) -> bool:
    """Whether ``user`` may see ``category`` of ``person`` now; logs the look when so.

    For data outside the card (the person's contact history, attachments...):
    the caller asks before reading and reads only on ``True``.
    """
    allowed, reason = _allowed_categories(user, person, contact)
    if category not in allowed:
        return False
    AccessLog.objects.create(
        user_id=user.pk,
        user_name=user.get_username(),
        person=person,
        category=category,
        contact_id=contact.pk if contact else None,
        reason=reason,
        via=current_actor().via,
    )
    return True


def _representations(person: Person) -> list[dict[str, Any]]:
    """Whom ``person`` may act for, and who may act for them (A3).

    Plain data for the page and the API: the other person's id and name,
    the scope (category values and their labels), the period, and whether
    the authorisation is in force today; those in force first, each group
    newest first.
    """
    today = timezone.localdate()
    labels = dict(DataCategory.choices)
    grants = Representative.objects.filter(
        Q(agent=person) | Q(person=person)
    ).select_related("agent", "person")
    out: list[dict[str, Any]] = []
    for grant in sorted(grants, key=lambda g: (g.valid_from, g.pk), reverse=True):
        acts_for = grant.agent_id == person.pk
        other = grant.person if acts_for else grant.agent
        scope = [c for c in DataCategory.values if c in (grant.scope or [])]
        out.append(
            {
                "relation": "represents" if acts_for else "represented_by",
                "person_id": other.pk,
                "name": f"{other.first_name} {other.last_name}",
                "scope": scope,
                "scope_labels": [str(labels[c]) for c in scope],
                "valid_from": grant.valid_from.isoformat(),
                "valid_until": (
                    grant.valid_until.isoformat() if grant.valid_until else None
                ),
                "in_force": grant.valid_from <= today
                and (grant.valid_until is None or grant.valid_until >= today),
            }
        )
    # Those in force first, each group newest first.
    return sorted(out, key=lambda r: not r["in_force"])


def _value(person: Person, name: str) -> Any:
    if name == "representations":
        return _representations(person)
    if name == "phones":
        return [p.number for p in person.phones.all()]
    if name == "consents":
        return sorted(
            str(c.get_kind_display())
            for c in person.consents.all()
            if c.withdrawn_at is None
        )
    if name == "last_office":
        return str(person.last_office) if person.last_office_id else ""
    value = getattr(person, name)
    return value.isoformat() if isinstance(value, datetime.date) else value


@transaction.atomic
def override_access(
    user: User, person: Person, contact: Contact, reason: str
) -> AccessOverride:
    """Record a reasoned decision to see ``person`` without authentication (A1)."""
    if not has_action(user, "clients.override"):
        raise ValidationError(_("Your role does not allow overriding authentication."))
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(
            _(
                "Write the reason for the override (at least 10 characters), e.g. the written request on file."
            )
        )
    if contact.agent_id != user.pk or not contact.is_open:
        raise ValidationError(_("An override belongs to your own open contact."))
    return AccessOverride.objects.create(
        user=user, person=person, contact=contact, reason=reason
    )


# --- A4: e-service login reminder ---------------------------------------------


def send_login_reminder(user: User, contact: Contact, channel: str) -> Any:
    """Send the person's e-service login name to the e-mail or phone on file (A4).

    Only after the caller authenticated as that person in this open contact,
    and never to an address the caller dictates. Returns the ``SentMessage``.
    """
    from django.utils import translation

    from infoline.notify.base import OutboundMessage
    from infoline.notify.services import send_message

    person = contact.person
    if person is None or contact.agent_id != user.pk:
        raise ValidationError(_("Choose the person the caller says they are first."))
    caller = authenticated_caller(contact)
    if caller is None or caller.pk != person.pk:
        raise ValidationError(
            _(
                "The login reminder is sent only after the caller is authenticated as this person."
            )
        )
    if not person.eservice_login:
        raise ValidationError(_("This person has no e-service login on file."))
    if channel == "email":
        if not person.email:
            raise ValidationError(
                _(
                    "There is no e-mail address on file; the reminder cannot be sent by e-mail."
                )
            )
        to = person.email
    elif channel == "sms":
        phone = person.phones.order_by("pk").first()
        if phone is None:
            raise ValidationError(
                _(
                    "There is no phone number on file; the reminder cannot be sent by SMS."
                )
            )
        to = phone.number
    else:
        raise ValidationError(_("Choose e-mail or SMS."))
    with translation.override(person.preferred_language or translation.get_language()):
        subject = _("Your e-service login")
        body = _("Your login name for the e-services is: %(login)s") % {
            "login": person.eservice_login
        }
    AccessLog.objects.create(
        user_id=user.pk,
        user_name=user.get_username(),
        person=person,
        category=DataCategory.ESERVICE,
        contact_id=contact.pk,
        reason=f"contact #{contact.pk}: login reminder by {channel}",
        via=current_actor().via,
    )
    return send_message(
        OutboundMessage(channel=channel, to=to, subject=subject, body=body),
        purpose="login_reminder",
        person=person,
        contact=contact,
        sent_by=user,
    )


@transaction.atomic
def register_person(
    user: User,
    contact: Contact,
    *,
    first_name: str,
    last_name: str,
    identity_scheme: str = "",
    identity_code: str = "",
    phone: str = "",
) -> Person:
    """Enter a new caller into the registry during a call and attach them (PL 16).

    Validates like every other entry (identity code, consistency, uniqueness,
    phone); nothing is saved when any of it is wrong. Registration does not
    authenticate: the caller still proves who they are before personal data.
    """
    from infoline.accounts.validators import normalize_phone

    if not contact.is_open:
        raise ValidationError(_("This contact is closed."))
    person = Person(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        identity_scheme=identity_scheme if identity_code.strip() else "",
        identity_code=identity_code.strip(),
    )
    person.full_clean()  # also refuses a code already in the registry
    number = normalize_phone(phone) if phone.strip() else ""
    person.save()
    if number:
        PersonPhone.objects.create(person=person, number=number)
    contact.person = person
    contact.save(update_fields=["person"])
    return person


@transaction.atomic
def set_consent(
    user: User, contact: Contact, kind: str, *, given: bool, source: str = ""
) -> Any:
    """Record a consent the authenticated caller gives, or withdraw it.

    Withdrawing keeps the record with its withdrawal time (proof of both).
    """
    from infoline.clients.choices import ConsentKind
    from infoline.clients.models import Consent

    person = contact.person
    caller = authenticated_caller(contact)
    if (
        person is None
        or contact.agent_id != user.pk
        or caller is None
        or caller.pk != person.pk
    ):
        raise ValidationError(
            _(
                "Consents are recorded only for the authenticated caller of your open contact."
            )
        )
    if kind not in ConsentKind.values:
        raise ValidationError(_("Unknown consent."))
    now = timezone.now()
    current = Consent.objects.filter(
        person=person, kind=kind, withdrawn_at__isnull=True
    ).first()
    if given:
        if current is not None:
            return current
        return Consent.objects.create(
            person=person,
            kind=kind,
            given_at=now,
            source=source or f"phone, contact #{contact.pk}, {user.get_username()}",
        )
    if current is None:
        raise ValidationError(_("There is no such consent to withdraw."))
    current.withdrawn_at = now
    current.save(update_fields=["withdrawn_at"])
    return current
