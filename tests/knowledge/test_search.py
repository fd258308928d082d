"""J3, K4: full-text search over scripts and articles, in six languages, accents optional.

Runs on whichever database the suite uses: FTS5 on SQLite, the GIN-indexed
``simple`` tsvector on PostgreSQL (run with DATABASE_URL for the latter).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoline.accounts.models import User
from infoline.knowledge import services
from infoline.knowledge.models import KnowledgeArticle, SearchEntry
from infoline.lib.text import fold
from tests.knowledge.conftest import approved

TEXTS = {
    "lt": (
        "Šarūnas Kazlauskas: nedarbo išmoka",
        "Konsultantas Šarūnas paaiškina, kaip gauti nedarbo išmoką ir pažymą.",
    ),
    "pl": (
        "Zasiłek dla bezrobotnych",
        "Zasiłek przysługuje osobie zarejestrowanej w powiatowym urzędzie pracy.",
    ),
    "ru": (
        "Пособие по безработице",
        "Пособие назначает Sodra; сначала нужно зарегистрироваться в службе занятости.",
    ),
    "da": (
        "Sygedagpenge på Ærø",
        "Borgere på Ærø søger sygedagpenge hos kommunens jobcenter i Marstal.",
    ),
    "et": (
        "Töötuskindlustushüvitis",
        "Töötukassa maksab hüvitist; pöörduge e-töötukassa kaudu.",
    ),
    "en": (
        "Work abroad through EURES",
        "EURES advisers help with jobs in Norway and other countries.",
    ),
}


@pytest.fixture
def library(team_lead: User) -> dict[str, KnowledgeArticle]:
    today = timezone.localdate()
    return {
        lang: KnowledgeArticle.objects.create(
            category="client_service",
            title=title,
            body=body,
            owner=team_lead,
            review_by=today + datetime.timedelta(days=30),
        )
        for lang, (title, body) in TEXTS.items()
    }


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("sarunas", "lt"),
        ("Šarūnas", "lt"),
        ("ismoka", "lt"),
        ("išmoką", "lt"),
        ("zasilek", "pl"),
        ("zasiłek", "pl"),
        ("urzedzie pracy", "pl"),
        ("пособие", "ru"),
        ("безработ", "ru"),
        ("ПОСОБИЕ занятости", "ru"),
        ("aero", "da"),
        ("Ærø", "da"),
        ("soger sygedagpenge", "da"),
        ("tootukassa", "et"),
        ("töötuskindlustushüvitis", "et"),
        ("eures norway", "en"),
    ],
)
def test_finds_every_language_with_or_without_diacritics(
    library: dict[str, KnowledgeArticle], query: str, lang: str
) -> None:
    """K4: each query finds exactly the article of its language."""
    hits = services.search_knowledge(query)
    assert [hit.object_id for hit in hits] == [library[lang].pk], (
        connection.vendor,
        query,
    )


def test_snippet_marks_the_original_words(library: dict[str, KnowledgeArticle]) -> None:
    """The snippet shows the original spelling and marks the matched words."""
    [hit] = services.search_knowledge("sarunas ismok")
    assert hit.title == "Šarūnas Kazlauskas: nedarbo išmoka"
    marked = [text for text, matched in hit.snippet if matched]
    assert marked == ["Šarūnas", "išmoką"]
    assert hit.snippet_text.startswith("Konsultantas Šarūnas paaiškina")


def test_every_word_must_match(library: dict[str, KnowledgeArticle]) -> None:
    assert services.search_knowledge("zasilek sarunas") == []


def test_punctuation_and_operators_are_plain_words(
    library: dict[str, KnowledgeArticle],
) -> None:
    """FTS5/tsquery syntax in the query is not interpreted (no error, no injection)."""
    for query in ['"', "*", "zasi* OR NOT", "a & b | !c", "'; DROP TABLE x; --", ":*"]:
        services.search_knowledge(query)  # does not raise
    assert [h.object_id for h in services.search_knowledge("zasiłek!!! (")] == [
        library["pl"].pk
    ]
    assert services.search_knowledge("   ") == []


def test_title_ranks_above_text(team_lead: User) -> None:
    today = timezone.localdate()
    in_text = KnowledgeArticle.objects.create(
        category="client_service",
        title="General information",
        body="Ask about EURES when calling.",
        owner=team_lead,
        review_by=today,
    )
    in_title = KnowledgeArticle.objects.create(
        category="eures",
        title="EURES recruitment",
        body="Jobs abroad.",
        owner=team_lead,
        review_by=today,
    )
    assert [h.object_id for h in services.search_knowledge("eures")] == [
        in_title.pk,
        in_text.pk,
    ]


def test_scripts_found_by_keyword_and_drafts_are_not(
    topics, agent_a: User, team_lead: User, specialist: User
) -> None:
    """J3: scripts in force are found by their keywords; drafts are not indexed."""
    version = approved(
        specialist,
        team_lead,
        topics["benefit"],
        "How the benefit is paid",
        "Sodra pays it.",
        keywords="išmoka pašalpa",
    )
    services.save_script_draft(
        specialist, topics["benefit"], title="Draft", body="Secret draft wording zebra."
    )
    hits = services.search_knowledge("pasalpa", kinds=["script"])
    assert [(h.kind, h.object_id) for h in hits] == [("script", version.script_id)]
    assert hits[0].title == "How the benefit is paid"
    assert services.search_knowledge("zebra") == []
    # The topic's name is part of the entry too.
    assert services.search_knowledge("unemployment benefit", kinds=["script"])
    assert services.search_knowledge("pasalpa", kinds=["article"]) == []


def test_index_follows_changes_and_unpublishing(
    library: dict[str, KnowledgeArticle],
) -> None:
    article = library["en"]
    article.title = "Darbas Norvegijoje"
    article.save()
    assert services.search_knowledge("norvegijoje")[0].object_id == article.pk
    article.active = False
    article.save()
    assert services.search_knowledge("norvegijoje") == []
    assert not SearchEntry.objects.filter(kind="article", object_id=article.pk).exists()
    library["pl"].delete()
    assert services.search_knowledge("zasilek") == []


LETTERS = (
    "abcdefghijklmnopqrstuvwxyz"
    "ąčęėįšųūž"  # Lithuanian
    "õäöüšž"  # Estonian
    "ąćęłńóśźż"  # Polish
    "æøå"  # Danish
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"  # Russian
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    word=st.text(alphabet=LETTERS, min_size=2, max_size=12),
    upper=st.booleans(),
)
def test_any_word_is_found_as_typed_folded_or_by_prefix(
    team_lead: User, word: str, upper: bool
) -> None:
    """K4 property: a word in any of the alphabets is found as written, folded and by its start."""
    KnowledgeArticle.objects.all().delete()
    article = KnowledgeArticle.objects.create(
        category="client_service",
        title="Property",
        body=f"Before {word.upper() if upper else word}, after.",
        owner=team_lead,
        review_by=timezone.localdate(),
    )
    for query in (word, fold(word), word[: max(1, len(word) // 2)]):
        hits = services.search_knowledge(query)
        assert article.pk in [h.object_id for h in hits], (
            connection.vendor,
            word,
            query,
        )
