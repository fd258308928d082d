"""Issue 5 J2: contact types and a topic tree per type, found by keyword as agents type."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from infoline.journal.models import Topic
from infoline.journal.services import search_topics


@pytest.fixture
def tree(db: None) -> dict[str, Topic]:
    benefits = Topic.objects.create(type="consultation", name="Unemployment benefit")
    amount = Topic.objects.create(
        type="consultation",
        name="Amount and duration",
        parent=benefits,
        keywords="išmoka, dydis, kiek mokės",
    )
    jobs = Topic.objects.create(
        type="consultation", name="Job offers", keywords="vacancies, darbo pasiūlymai"
    )
    staff = Topic.objects.create(
        type="complaint", name="Staff behaviour", keywords="rude, impolite"
    )
    return {"benefits": benefits, "amount": amount, "jobs": jobs, "staff": staff}


def test_keyword_search_per_type_ignores_diacritics(tree: dict[str, Topic]) -> None:
    assert search_topics("consultation", "ismoka") == [tree["amount"]]
    assert search_topics("consultation", "benefit duration") == [
        tree["amount"]
    ]  # parent's name counts
    assert search_topics("consultation", "rude") == []  # another type's topic
    assert search_topics("complaint", "RUDE") == [tree["staff"]]
    assert set(search_topics("consultation", "")) == {tree["benefits"], tree["jobs"]}
    assert str(tree["amount"]) == "Unemployment benefit › Amount and duration"


def test_tree_rules(tree: dict[str, Topic]) -> None:
    wrong_type = Topic(type="complaint", name="x", parent=tree["benefits"])
    with pytest.raises(ValidationError, match="same contact type"):
        wrong_type.full_clean()
    tree["benefits"].parent = tree["amount"]
    with pytest.raises(ValidationError, match="cannot be inside itself"):
        tree["benefits"].full_clean()
