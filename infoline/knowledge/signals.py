"""Keep the search index in step with scripts and articles, however they change.

Infrastructure, as STYLE allows for signals: an edit in the admin or a raw
save in a migration must not leave the index stale.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from infoline.journal.models import Topic
from infoline.knowledge.choices import SearchKind
from infoline.knowledge.models import (
    AnswerScript,
    ArticleAttachment,
    KnowledgeArticle,
    ScriptVersion,
    SearchEntry,
)
from infoline.knowledge.services import reindex_article, reindex_script


@receiver(post_save, sender=AnswerScript)
def _script_saved(sender: Any, instance: AnswerScript, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        reindex_script(instance)


@receiver(post_save, sender=ScriptVersion)
def _version_saved(sender: Any, instance: ScriptVersion, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    script = AnswerScript.objects.filter(current=instance).first()
    if script is not None:
        reindex_script(script)


@receiver(post_save, sender=Topic)
def _topic_saved(sender: Any, instance: Topic, **kwargs: Any) -> None:
    # The topic's name and keywords are part of its script's index entry.
    script = AnswerScript.objects.filter(topic=instance).first()
    if script is not None and not kwargs.get("raw"):
        reindex_script(script)


@receiver(post_delete, sender=AnswerScript)
def _script_deleted(sender: Any, instance: AnswerScript, **kwargs: Any) -> None:
    SearchEntry.objects.filter(kind=SearchKind.SCRIPT, object_id=instance.pk).delete()


@receiver(post_save, sender=KnowledgeArticle)
def _article_saved(sender: Any, instance: KnowledgeArticle, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        reindex_article(instance)


@receiver(post_delete, sender=KnowledgeArticle)
def _article_deleted(sender: Any, instance: KnowledgeArticle, **kwargs: Any) -> None:
    SearchEntry.objects.filter(kind=SearchKind.ARTICLE, object_id=instance.pk).delete()


@receiver(post_delete, sender=ArticleAttachment)
def _attachment_deleted(
    sender: Any, instance: ArticleAttachment, **kwargs: Any
) -> None:
    # The stored file goes too, once the deletion is committed (not on rollback).
    name = instance.file.name
    storage = instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
