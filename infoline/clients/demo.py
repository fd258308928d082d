"""Demo clients: a few persons, an employer, the question bank and the policy."""

from __future__ import annotations

import datetime

from infoline.accounts.models import Department
from infoline.clients.choices import DataCategory, QuestionKind
from infoline.clients.models import (
    AuthPolicy,
    AuthQuestion,
    Employer,
    Person,
    PersonPhone,
    Representative,
)

D = datetime.date

# (first, last, asmens kodas, address, phone, e-mail, e-service login, registered, office code)
PERSONS = [
    (
        "Šarūnas",
        "Kazlauskas",
        "33309240064",
        "Laisvės al. 10-4, Kaunas",
        "+37061234501",
        "sarunas.k@example.lt",
        "skazl",
        D(2024, 3, 15),
        "kaunas",
    ),
    (
        "Jonas",
        "Petraitis",
        "38703181745",
        "Taikos pr. 5-12, Klaipėda",
        "+37061234502",
        "jonas.p@example.lt",
        "jpetr",
        D(2025, 1, 20),
        "klaipeda",
    ),
    (
        "Ona",
        "Jonaitienė",
        "48501151230",
        "Gedimino pr. 1-1, Vilnius",
        "+37061234503",
        "ona.j@example.lt",
        "ojona",
        D(2023, 9, 1),
        "kaunas",
    ),
]


def load_demo_clients() -> None:
    """Create or keep the demo clients (idempotent)."""
    questions = [
        (
            QuestionKind.REGISTERED_ON,
            "When did you register with the Employment Service?",
        ),
        (QuestionKind.LAST_OFFICE, "Which office did you visit last?"),
        (
            QuestionKind.PHONE_DIGITS,
            "What are the last four digits of your phone number on file?",
        ),
    ]
    for kind, text in questions:
        AuthQuestion.objects.get_or_create(kind=kind, defaults={"text": text})
    AuthPolicy.objects.get_or_create(line=None, defaults={"questions": 2})
    for first, last, code, address, phone, email, login, registered, office in PERSONS:
        if Person.objects.filter(identity_code=code).exists():
            continue
        person = Person(
            first_name=first,
            last_name=last,
            identity_scheme="LT:asmens_kodas",
            identity_code=code,
            address=address,
            email=email,
            eservice_login=login,
            registered_on=registered,
            last_office=Department.objects.filter(code=office).first(),
            preferred_language="lt",
        )
        person.full_clean()
        person.save()
        PersonPhone.objects.create(person=person, number=phone)
    ona = Person.objects.get(identity_code="48501151230")
    jonas = Person.objects.get(identity_code="38703181745")
    Representative.objects.get_or_create(
        person=jonas,
        agent=ona,
        defaults={
            "scope": [DataCategory.CONTACT_DETAILS, DataCategory.CASE],
            "valid_from": D(2025, 1, 1),
            "document": "Power of attorney 2025-01-02",
        },
    )
    if not Employer.objects.filter(
        code_scheme="LT:imones_kodas", code="110053842"
    ).exists():
        employer = Employer(
            name="UAB Demo Logistika",
            code_scheme="LT:imones_kodas",
            code="110053842",
            address="Savanorių pr. 100, Kaunas",
        )
        employer.full_clean()
        employer.save()
