"""K4: articles with owners and review dates, local-office pages kept by local consultants,
forms attached (type checked by content, size limited) and served only through the access check."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from infoline.accounts.models import Department, Employee, User
from infoline.knowledge import services
from infoline.knowledge.models import ArticleAttachment, KnowledgeArticle
from tests.conftest import verified_client

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def office() -> Department:
    return Department.objects.create(
        name="Kaunas office", code="kaunas", is_local_office=True
    )


@pytest.fixture
def article(team_lead: User, office: Department) -> KnowledgeArticle:
    return KnowledgeArticle.objects.create(
        category="activation_funds",
        office=office,
        title="Activation funds 2026",
        body="Funds for job skills.",
        owner=team_lead,
        review_by=timezone.localdate() + datetime.timedelta(days=30),
    )


def test_overdue_reviews_are_flagged_in_lists_and_on_the_owners_page(
    article: KnowledgeArticle, team_lead: User, agent_a: User
) -> None:
    """K4: an article past its review date is flagged wherever it is listed."""
    article.review_by = timezone.localdate() - datetime.timedelta(days=1)
    article.save()
    assert article.is_overdue
    listing = verified_client(agent_a).get(reverse("knowledge:article-list"))
    assert "Review overdue" in listing.content.decode()
    due = verified_client(team_lead).get(reverse("knowledge:reviews-due"))
    assert "Activation funds 2026" in due.content.decode()
    hits = services.search_knowledge("activation")
    assert hits[0].overdue


def test_reviews_due_lists_own_articles_and_leads_see_others_overdue(
    article: KnowledgeArticle, specialist: User, supervisor: User
) -> None:
    article.review_by = timezone.localdate() - datetime.timedelta(days=3)
    article.save()
    mine = KnowledgeArticle.objects.create(
        category="fairs",
        title="Spring fair",
        body="Text",
        owner=specialist,
        review_by=timezone.localdate() + datetime.timedelta(days=10),
    )
    assert list(services.list_reviews_due(specialist)) == [mine]
    assert list(services.list_reviews_due(specialist, within_days=5)) == []
    body = (
        verified_client(specialist)
        .get(reverse("knowledge:reviews-due"))
        .content.decode()
    )
    assert "Spring fair" in body and "Activation funds 2026" not in body
    lead_page = verified_client(supervisor).get(reverse("knowledge:reviews-due"))
    assert "Activation funds 2026" in lead_page.content.decode()


def test_mark_reviewed_needs_a_future_date(
    article: KnowledgeArticle, team_lead: User
) -> None:
    client = verified_client(team_lead)
    url = reverse("knowledge:article-reviewed", args=[article.pk])
    before = article.review_by
    today = timezone.localdate()
    response = client.post(url, {"next_review": today.isoformat()}, follow=True)
    assert "The next review must be after today." in response.content.decode()
    response = client.post(url, {"next_review": ""}, follow=True)
    assert "Give the date of the next review." in response.content.decode()
    article.refresh_from_db()
    assert article.review_by == before and article.reviewed_at is None
    later = today + datetime.timedelta(days=90)
    client.post(url, {"next_review": later.isoformat()})
    article.refresh_from_db()
    assert article.review_by == later and article.reviewed_at is not None


def test_specialist_keeps_own_office_pages_only(
    article: KnowledgeArticle, specialist: User, office: Department
) -> None:
    """K4: local-office pages are kept by that office's consultants."""
    client = verified_client(specialist)
    edit = reverse("knowledge:article-edit", args=[article.pk])
    assert client.get(edit).status_code == 403
    Employee.objects.create(
        first_name="Greta", last_name="Adomaitytė", department=office, user=specialist
    )
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "title": "Activation funds 2026 (updated)",
            "category": "activation_funds",
            "office": office.pk,
            "body": "Funds left: 12 000 EUR.",
            "keywords": "",
            "owner": article.owner_id,
            "review_by": (
                timezone.localdate() + datetime.timedelta(days=60)
            ).isoformat(),
            "active": "on",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title.endswith("(updated)") and article.updated_by == specialist
    assert services.search_knowledge("12 000")[0].object_id == article.pk


def test_article_editor_rejects_empty_title_and_saves_nothing(
    team_lead: User,
) -> None:
    response = verified_client(team_lead).post(
        reverse("knowledge:article-new"),
        {
            "title": "",
            "category": "forms",
            "body": "Text",
            "owner": team_lead.pk,
            "review_by": (
                timezone.localdate() + datetime.timedelta(days=5)
            ).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Give the article a title." in response.content.decode()
    assert not KnowledgeArticle.objects.exists()


def test_unpublished_article_is_hidden_from_readers(
    article: KnowledgeArticle, agent_b: User, team_lead: User
) -> None:
    """The outsider (an agent of another team) gets 404 for an unpublished article."""
    article.active = False
    article.save()
    url = reverse("knowledge:article-detail", args=[article.pk])
    assert verified_client(agent_b).get(url).status_code == 404
    assert verified_client(team_lead).get(url).status_code == 200
    assert services.search_knowledge("activation") == []


def _upload(client: Any, article: KnowledgeArticle, name: str, data: bytes) -> Any:
    return client.post(
        reverse("knowledge:attachment-upload", args=[article.pk]),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_attachment_is_stored_and_served_only_through_the_check(
    article: KnowledgeArticle, team_lead: User, agent_b: User, dpo: User
) -> None:
    """K4 forms: uploaded, then downloaded by staff through the view; the DPO is refused."""
    response = _upload(verified_client(team_lead), article, "prasymas.pdf", PDF)
    assert "“prasymas.pdf” is attached." in response.content.decode()
    attachment = ArticleAttachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert "prasymas" not in attachment.file.name  # stored under a random name
    url = reverse("knowledge:attachment-download", args=[attachment.pk])
    download = verified_client(agent_b).get(url)
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="prasymas.pdf"'
    assert verified_client(dpo).get(url).status_code == 403
    article.active = False
    article.save()
    assert verified_client(agent_b).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "form.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100,
            "“form.pdf” is not a PDF, Word, Excel, OpenDocument, PNG or JPEG file",
        ),
        (
            "form.docx",
            PDF,
            "“form.docx” is not a PDF, Word, Excel, OpenDocument, PNG or JPEG file, or its name does not match",
        ),
        (
            "evil.html",
            b"<html><script>alert(1)</script></html>",
            "“evil.html” is not a PDF",
        ),
        ("empty.pdf", b"", "The chosen file is empty."),
    ],
)
def test_disguised_or_empty_attachment_is_refused(
    article: KnowledgeArticle, team_lead: User, name: str, data: bytes, message: str
) -> None:
    response = _upload(verified_client(team_lead), article, name, data)
    assert message in response.content.decode()
    assert not ArticleAttachment.objects.exists()


def test_oversized_attachment_is_refused(
    article: KnowledgeArticle, team_lead: User, settings: Any
) -> None:
    settings.INFOLINE_KNOWLEDGE_MAX_UPLOAD = 1024
    response = _upload(
        verified_client(team_lead), article, "big.pdf", PDF + b"0" * 2000
    )
    assert (
        "“big.pdf” is 2.0\xa0KB; files may be at most 1.0\xa0KB."
        in response.content.decode()
    )
    assert not ArticleAttachment.objects.exists()


def test_office_documents_are_recognised(
    article: KnowledgeArticle, team_lead: User
) -> None:
    attachment = services.attach_file(
        team_lead, article, SimpleUploadedFile("forma.docx", _docx())
    )
    assert attachment.content_type.endswith("wordprocessingml.document")


def test_agent_cannot_upload(article: KnowledgeArticle, agent_a: User) -> None:
    response = verified_client(agent_a).post(
        reverse("knowledge:attachment-upload", args=[article.pk]),
        {"file": SimpleUploadedFile("f.pdf", PDF)},
    )
    assert response.status_code == 403
    assert not ArticleAttachment.objects.exists()


def test_deleting_an_attachment_removes_its_file(
    article: KnowledgeArticle, team_lead: User, django_capture_on_commit_callbacks: Any
) -> None:
    attachment = services.attach_file(
        team_lead, article, SimpleUploadedFile("a.pdf", PDF)
    )
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()
    assert not storage.exists(name)
