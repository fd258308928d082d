"""Demo knowledge base: topics with approved scripts, articles, local-office pages, a peak.

Idempotent: topics are found by type, parent and name; a script gets its
first version only when it has none; articles are found by title; the peak
by title and start. A second run changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from infoline.accounts.models import Department, Employee, PublicLine, User
from infoline.journal.choices import ContactType
from infoline.journal.models import Topic
from infoline.knowledge.choices import ArticleCategory
from infoline.knowledge.models import (
    AnswerScript,
    KnowledgeArticle,
    PeakAnnouncement,
    ScriptVersion,
)
from infoline.knowledge.services import approve_script_version, save_script_draft

# (type, parent name or None, name, keywords)
TOPICS = [
    (ContactType.CONSULTATION, None, "Unemployment", "nedarbas bedarbis"),
    (
        ContactType.CONSULTATION,
        "Unemployment",
        "Unemployment benefit",
        "nedarbo išmoka Sodra pašalpa benefit",
    ),
    (
        ContactType.CONSULTATION,
        None,
        "Registration as a job seeker",
        "registracija darbo ieškantis e-paslaugos",
    ),
    (ContactType.CONSULTATION, None, "Vacancies", "laisvos darbo vietos pasiūlymai"),
    (
        ContactType.CONSULTATION,
        "Vacancies",
        "Work abroad (EURES)",
        "EURES darbas užsienyje Norvegija",
    ),
    (
        ContactType.CONSULTATION,
        None,
        "Vocational training",
        "mokymas kuponas profesinis mokymas",
    ),
    (
        ContactType.CONSULTATION,
        None,
        "Wage subsidies for employers",
        "subsidija darbdavys įdarbinimas",
    ),
    (
        ContactType.COMPLAINT,
        None,
        "Complaint about service",
        "skundas aptarnavimas",
    ),
]

# topic name -> (title, body, keywords, specialist extensions, department codes)
SCRIPTS = {
    "Unemployment benefit": (
        "Nedarbo išmoka: kas ją moka ir kaip kreiptis",
        """## Kalbėkite taip
1. Pasisveikinkite: „Užimtumo tarnyba, konsultantas(-ė) [vardas], klausau.“
2. Paaiškinkite: nedarbo socialinio draudimo išmoką skiria ir moka **Sodra**, ne Užimtumo tarnyba.
3. Paklauskite, ar skambinantysis jau įregistruotas Užimtumo tarnyboje kaip bedarbis. Be registracijos išmoka neskiriama.
4. Jei įregistruotas: prašymą išmokai Sodrai galima pateikti per e-paslaugas arba Sodros skyriuje.
5. Dėl išmokos dydžio ir mokėjimo datų nukreipkite į Sodrą (tel. 8 5 219 1222).

## Ko nedaryti
- Nesakykite išmokos dydžio: jį apskaičiuoja Sodra pagal draudžiamąsias pajamas.
- Asmens duomenis teikite tik nustatę tapatybę.

Daugiau: https://www.sodra.lt""",
        "išmoka nedarbo Sodra pašalpa dydis unemployment benefit",
        ["3101", "4101"],
        [],
    ),
    "Registration as a job seeker": (
        "Registration as a job seeker",
        """## Say this
1. Greet: "Employment Service, [your name] speaking."
2. Registration is online through the e-services (e-paslaugos) with an electronic signature or e-banking, or at any customer service department.
3. Ask whether the caller has worked or studied abroad in the last six months; if so, they need form **U1** (PD U1).
4. After registering, a counsellor calls within five working days to agree the individual employment plan.

## Escalate
- Questions about a person's own case (dates, decisions) go to their local office counsellor after authentication.""",
        "registracija registration e-paslaugos U1 job seeker",
        ["3101", "3102", "4101"],
        ["kaunas", "klaipeda"],
    ),
    "Work abroad (EURES)": (
        "Work abroad and EURES recruitment",
        """1. EURES advisers help with jobs in the EU/EEA countries, Switzerland and Norway.
2. Current EURES vacancies are on the EURES portal and read out on the vacancy line.
3. For a consultation, put the caller through to a EURES adviser (see below); if all are away, take a message.

Remember: warn about fraudulent "agencies" that ask for payment.""",
        "EURES užsienis abroad Norway Norvegija darbas",
        ["2301", "2302"],
        ["vacancies"],
    ),
    "Vocational training": (
        "Profesinis mokymas ir mokymo kuponai",
        """1. Mokymo kuponą gali gauti įregistruoti bedarbiai, kuriems tai numatyta individualiame užimtumo plane.
2. Mokymo programų sąrašas ir mokymo teikėjai skelbiami Užimtumo tarnybos svetainėje.
3. Dėl kupono išdavimo nukreipkite pas savo skyriaus konsultantą.
- Kaune: aktyvinimo specialistė (žr. žemiau).""",
        "mokymas kuponas training voucher profesinis",
        ["3103"],
        [],
    ),
    "Wage subsidies for employers": (
        "Wage subsidies for employers",
        """1. Employers can get part of the wage reimbursed when they hire people referred by the Employment Service (subsidised employment).
2. The employer registers the vacancy first, then agrees the subsidy with the employer services division.
3. Put the caller through to an employer-services specialist; give the employers' line number if they call back later.""",
        "subsidija subsidy employer darbdavys wage",
        ["2401", "2402"],
        ["employers"],
    ),
    "Complaint about service": (
        "Handling a complaint about our service",
        """1. Listen to the end without interrupting; thank the caller for telling us.
2. Register the complaint in the journal with type **Complaint**; write what happened, when and where.
3. Tell the caller the complaint is answered within 20 working days, in writing.
4. Appeals against decisions are made in writing only: give the legal division's address.""",
        "skundas complaint aptarnavimas",
        [],
        ["legal"],
    ),
}

# (title, category, office code or None, owner username, review in days, keywords, body)
ARTICLES = [
    (
        "Kauno skyriaus aktyvinimo lėšos 2026 m.",
        ArticleCategory.ACTIVATION_FUNDS,
        "kaunas",
        "specialist",
        60,
        "aktyvinimas lėšos Kaunas",
        """Kauno klientų aptarnavimo departamentui 2026 m. skirta aktyvinimo lėšų:
- darbo įgūdžių įgijimo rėmimui;
- įdarbinimui subsidijuojant;
- judumo (kelionės) išlaidų kompensavimui.

Likutis atnaujinamas kiekvieno mėnesio pirmą darbo dieną. Klausimus derina Greta Adomaitytė (vid. 3103).""",
    ),
    (
        "Kaunas job fair, spring",
        ArticleCategory.FAIRS,
        "kaunas",
        "specialist",
        30,
        "mugė fair Kaunas Žalgirio arena",
        """The spring job fair in Kaunas is held in the Žalgiris arena hall from 10:00 to 15:00.
- About 60 employers: logistics, manufacturing, IT.
- Entry is free; bring a CV.
- Employers register through the employers' line.""",
    ),
    (
        "Klaipėda: seasonal work and EURES recruitment for Norway",
        ArticleCategory.EURES,
        "klaipeda",
        "specialist",
        -5,
        "EURES Norvegija žuvininkystė sezoninis darbas",
        """A Norwegian fish-processing employer recruits 40 seasonal workers through EURES.
1. Selection interviews in the Klaipėda office, by appointment.
2. English or Norwegian at basic level required.
3. Accommodation is provided by the employer.

Warn callers: the employer never asks for a fee.""",
    ),
    (
        "Prašymo įregistruoti forma",
        ArticleCategory.FORMS,
        None,
        "teamlead",
        120,
        "forma prašymas registracija",
        """Prašymo įregistruoti Užimtumo tarnyboje forma. Užpildytą formą galima pateikti skyriuje arba išsiųsti paštu.

Forma pridėta prie šio puslapio.""",
    ),
    (
        "State social insurance: where to refer callers",
        ArticleCategory.INSTITUTIONS,
        None,
        "teamlead",
        90,
        "Sodra social insurance socialinis draudimas",
        """Refer to Sodra: unemployment insurance benefit payments, sickness and maternity benefits, pensions, contributions.
Phone 8 5 219 1222, Konstitucijos pr. 12, Vilnius.
We never tell the amount of a benefit: Sodra calculates it.""",
    ),
    (
        "Пособие по безработице: информация для русскоязычных клиентов",
        ArticleCategory.CLIENT_SERVICE,
        None,
        "teamlead",
        90,
        "пособие безработица Sodra",
        """Пособие по безработице назначает и выплачивает Sodra.
- Сначала нужно зарегистрироваться в Службе занятости.
- Заявление на пособие подаётся в Sodra через электронные услуги.
Консультации на русском языке по общей линии.""",
    ),
]


def _topic(type_: str, parent: Topic | None, name: str, keywords: str) -> Topic:
    topic = Topic.objects.filter(type=type_, parent=parent, name=name).first()
    if topic is None:
        topic = Topic(type=type_, parent=parent, name=name, keywords=keywords)
        topic.full_clean()
        topic.save()
    return topic


@transaction.atomic
def load_demo_knowledge(now: datetime.datetime | None = None) -> None:
    """Create the demo knowledge base once; needs the demo organisation loaded."""
    now = now or timezone.now()
    author = User.objects.get(username="specialist")
    approver = User.objects.get(username="teamlead")
    topics: dict[str, Topic] = {}
    for type_, parent_name, name, keywords in TOPICS:
        parent = topics[parent_name] if parent_name else None
        topics[name] = _topic(type_, parent, name, keywords)
    for topic_name, (title, body, keywords, extensions, codes) in SCRIPTS.items():
        topic = topics[topic_name]
        if ScriptVersion.objects.filter(script__topic=topic).exists():
            continue
        version = save_script_draft(
            author,
            topic,
            title=title,
            body=body,
            keywords=keywords,
            specialists=Employee.objects.filter(extension__in=extensions),
            departments=Department.objects.filter(code__in=codes),
            change_note="Demo",
        )
        approve_script_version(approver, version)
    # A pending draft, so the approval step has something to show.
    benefit = AnswerScript.objects.get(topic=topics["Unemployment benefit"])
    if benefit.versions.count() == 1 and benefit.current is not None:
        current = benefit.current
        save_script_draft(
            author,
            benefit.topic,
            title=current.title,
            body=current.body
            + "\n\nNuo sausio 1 d. prašymą Sodrai galima pateikti ir per Užimtumo tarnybos e-paslaugas.",
            keywords=current.keywords,
            specialists=current.specialists.all(),
            departments=current.departments.all(),
            change_note="Nauja pateikimo galimybė",
        )
    today = timezone.localdate(now)
    for title, category, office_code, owner, days, keywords, body in ARTICLES:
        if KnowledgeArticle.objects.filter(title=title).exists():
            continue
        article = KnowledgeArticle(
            title=title,
            category=category,
            office=Department.objects.get(code=office_code) if office_code else None,
            owner=User.objects.get(username=owner),
            review_by=today + datetime.timedelta(days=days),
            keywords=keywords,
            body=body,
        )
        article.full_clean()
        article.save()
    form_page = KnowledgeArticle.objects.get(title="Prašymo įregistruoti forma")
    if not form_page.attachments.exists():
        from django.core.files.uploadedfile import SimpleUploadedFile

        from infoline.knowledge.services import attach_file

        attach_file(
            form_page.owner,
            form_page,
            SimpleUploadedFile(
                "prasymas-iregistruoti.pdf", _one_page_pdf("Prasymas iregistruoti")
            ),
        )
    peak_start = datetime.datetime.combine(
        today + datetime.timedelta(days=3),
        datetime.time(8),
        tzinfo=timezone.get_current_timezone(),
    )
    title = "Letters on the new benefit rules sent to 40,000 job seekers"
    if not PeakAnnouncement.objects.filter(title=title).exists():
        peak = PeakAnnouncement(
            title=title,
            text=(
                "The letters arrive on the first day of the peak; expect questions "
                "about the benefit and registration. Use the benefit script; all "
                "agents stay on the general line until the peak ends."
            ),
            starts_at=peak_start,
            ends_at=peak_start + datetime.timedelta(days=2, hours=4),
            expected_extra=1500,
            created_by=User.objects.get(username="planner"),
        )
        peak.full_clean()
        peak.save()
        peak.lines.set(PublicLine.objects.filter(number="+37052360780"))
        peak.topics.set(
            [topics["Unemployment benefit"], topics["Registration as a job seeker"]]
        )


def _one_page_pdf(title: str) -> bytes:
    """A minimal, valid one-page PDF showing ``title`` (ASCII), for the demo form."""
    stream = f"BT /F1 18 Tf 72 760 Td ({title}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
