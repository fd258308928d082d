"""Object-level rules of the knowledge base on top of the permission matrix."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from infoline.accounts.choices import Role
from infoline.accounts.permissions import has_action
from infoline.knowledge.models import ArticleAttachment, KnowledgeArticle

__all__ = ["access_article", "access_attachment", "can_edit_article"]


def can_edit_article(user: Any, article: KnowledgeArticle) -> bool:
    """Whether ``user`` may change ``article`` (K4: kept by local consultants).

    Team leads, supervisors and administrators edit every article; a
    specialist edits the articles they own and the pages of their own office.
    """
    if not has_action(user, "knowledge.edit"):
        return False
    if user.role != Role.SPECIALIST:
        return True
    if article.owner_id == user.pk:
        return True
    employee = getattr(user, "employee", None)
    if article.office_id is None or employee is None:
        return False
    return bool(employee.department_id == article.office_id)


def access_article(user: Any, pk: int, *, edit: bool = False) -> KnowledgeArticle:
    """Return the article ``user`` may read (or, with ``edit``, change).

    Unpublished articles are visible only to those who may edit them (others
    get 404); a readable article the user may not change gives 403 for ``edit``.
    """
    article = (
        KnowledgeArticle.objects.select_related("owner", "office", "updated_by")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404
    if not article.active and not can_edit_article(user, article):
        raise Http404
    if edit and not can_edit_article(user, article):
        # The article is readable, so saying it exists gives nothing away.
        raise PermissionDenied
    return article


def access_attachment(user: Any, pk: int) -> ArticleAttachment:
    """Return an attachment of an article ``user`` may read; else 404."""
    attachment = ArticleAttachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    access_article(user, attachment.article_id)
    return attachment
