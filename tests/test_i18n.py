"""Issue 3 item 10: the translation catalogues.

Lithuanian must be complete (no untranslated or fuzzy entry, every plural form
filled, placeholders kept); Estonian, Polish, Danish and Russian must at least
cover the shell and never break a placeholder. The rendering tests compile the
current ``.po`` files into a temporary directory, so they prove the catalogue
in the working tree rather than whatever ``.mo`` happens to lie around.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parent.parent / "infoline" / "locale"
COMPLETE = "lt"
STARTED = ("et", "pl", "da", "ru")
ALL = (COMPLETE, *STARTED)

# gettext's plural counts: CLDR/gettext convention for each language.
NPLURALS = {"lt": 3, "et": 2, "pl": 3, "da": 2, "ru": 3}

# Form index each count must select, checked against the header's formula.
PLURAL_CASES: dict[str, dict[int, int]] = {
    "lt": {
        0: 2,
        1: 0,
        2: 1,
        9: 1,
        10: 2,
        11: 2,
        12: 2,
        19: 2,
        20: 2,
        21: 0,
        22: 1,
        101: 0,
        111: 2,
    },
    "ru": {
        0: 2,
        1: 0,
        2: 1,
        4: 1,
        5: 2,
        11: 2,
        12: 2,
        14: 2,
        21: 0,
        22: 1,
        25: 2,
        101: 0,
        111: 2,
    },
    "pl": {0: 2, 1: 0, 2: 1, 4: 1, 5: 2, 12: 2, 21: 2, 22: 1, 25: 2, 101: 2, 102: 1},
    "et": {0: 1, 1: 0, 2: 1, 21: 1},
    "da": {0: 1, 1: 0, 2: 1, 21: 1},
}

# The shell every language must offer: navigation, sign-in, account.
SHELL = (
    "Sign in",
    "Sign in to Infoline",
    "User name",
    "Password",
    "Directory",
    "Opening hours",
    "Absences",
    "Your account",
    "Language",
    "Skip to content",
    "Sign out",
)

# Python %-placeholders: %(name)s style and positional %s / %d; %% is a literal.
_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]+)\))?[-#0 +]*\d*(?:\.\d+)?(?P<conv>[diouxXeEfFgGcrsa%])"
)


def placeholders(text: str) -> Counter[str]:
    """Return the multiset of %-placeholders in ``text``, ignoring ``%%``."""
    found: Counter[str] = Counter()
    for match in _PLACEHOLDER.finditer(text):
        if match["conv"] == "%":
            continue
        found[
            f"%({match['name']}){match['conv']}"
            if match["name"]
            else f"%{match['conv']}"
        ] += 1
    return found


def catalogue(lang: str) -> polib.POFile:
    """Parse one language's catalogue (fails the test if it is missing or broken)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"
    assert path.is_file(), f"{path} is missing; run makemessages for {lang}"
    return polib.pofile(str(path))


def entries(po: polib.POFile) -> list[polib.POEntry]:
    """The live entries: obsolete ones are kept only as history."""
    return [e for e in po if not e.obsolete]


def label(entry: polib.POEntry) -> str:
    """Name an entry in a failure message: context, msgid and source line."""
    where = ", ".join(f"{f}:{n}" for f, n in entry.occurrences[:2])
    ctx = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{ctx}{entry.msgid!r} ({where})"


def translations(entry: polib.POEntry) -> list[str]:
    """Every msgstr of an entry, in form order."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def placeholder_mismatches(po: polib.POFile) -> list[str]:
    """Entries whose translated forms use other placeholders than their msgid."""
    bad = []
    for entry in entries(po):
        if "python-format" not in entry.flags:
            continue
        expected = placeholders(entry.msgid)
        if entry.msgid_plural:
            expected_plural = placeholders(entry.msgid_plural)
            # msgid and msgid_plural agree in every catalogue we ship.
            assert expected_plural == expected, label(entry)
        for text in translations(entry):
            if text and placeholders(text) != expected:
                bad.append(f"{label(entry)} -> {text!r}")
    return bad


def plural_formula(po: polib.POFile) -> tuple[int, Callable[[int], int]]:
    """Parse the header's Plural-Forms into (nplurals, formula)."""
    header = po.metadata.get("Plural-Forms", "")
    match = re.fullmatch(
        r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", header
    )
    assert match, f"malformed Plural-Forms header: {header!r}"
    return int(match[1]), gettext.c2py(match[2])


# --- headers -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ALL)
def test_header_names_the_language_utf8_and_is_not_fuzzy(lang: str) -> None:
    po = catalogue(lang)
    assert po.metadata.get("Language") == lang
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert not po.metadata_is_fuzzy, "remove '#, fuzzy' from the header"


@pytest.mark.parametrize("lang", ALL)
def test_plural_formula_picks_the_right_form_for_each_count(lang: str) -> None:
    nplurals, formula = plural_formula(catalogue(lang))
    assert nplurals == NPLURALS[lang]
    got = {n: formula(n) for n in PLURAL_CASES[lang]}
    assert got == PLURAL_CASES[lang]
    assert all(0 <= formula(n) < nplurals for n in range(1000))


# --- Lithuanian: complete ----------------------------------------------------


def test_lithuanian_has_no_untranslated_entry() -> None:
    missing = [
        label(e) for e in entries(catalogue(COMPLETE)) if not all(translations(e))
    ]
    assert not missing, "untranslated Lithuanian entries:\n" + "\n".join(missing)


def test_lithuanian_has_no_fuzzy_entry() -> None:
    fuzzy = [label(e) for e in entries(catalogue(COMPLETE)) if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy Lithuanian entries:\n" + "\n".join(fuzzy)


def test_lithuanian_plural_entries_have_every_form() -> None:
    incomplete = [
        label(e)
        for e in entries(catalogue(COMPLETE))
        if e.msgid_plural
        and (
            sorted(e.msgstr_plural) != list(range(NPLURALS[COMPLETE]))
            or not all(translations(e))
        )
    ]
    assert not incomplete, "Lithuanian plurals missing a form:\n" + "\n".join(
        incomplete
    )


# --- every catalogue ---------------------------------------------------------


@pytest.mark.parametrize("lang", ALL)
def test_translations_keep_the_placeholders_of_the_msgid(lang: str) -> None:
    bad = placeholder_mismatches(catalogue(lang))
    assert not bad, f"{lang}: placeholders differ:\n" + "\n".join(bad)


@pytest.mark.parametrize("lang", STARTED)
def test_started_catalogue_has_no_fuzzy_guess(lang: str) -> None:
    # msgmerge's fuzzy guesses are usually wrong; they must be reviewed, not shipped.
    fuzzy = [label(e) for e in entries(catalogue(lang)) if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy {lang} entries:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("lang", STARTED)
def test_started_catalogue_translates_the_shell(lang: str) -> None:
    by_id = {e.msgid: e for e in entries(catalogue(lang))}
    untranslated = [key for key in SHELL if key not in by_id or not by_id[key].msgstr]
    assert not untranslated, f"{lang}: shell strings missing: {untranslated}"
    assert all(by_id[key].msgstr != key for key in ("Sign in", "Sign out", "Directory"))


@pytest.mark.parametrize("lang", STARTED)
def test_started_catalogue_has_the_same_msgids_as_lithuanian(lang: str) -> None:
    def keys(po: polib.POFile) -> set[tuple[str | None, str]]:
        return {(e.msgctxt, e.msgid) for e in entries(po)}

    lithuanian, other = keys(catalogue(COMPLETE)), keys(catalogue(lang))
    assert other == lithuanian, (
        f"run makemessages for all languages together; only in lt: "
        f"{sorted(lithuanian - other, key=str)[:10]}, only in {lang}: {sorted(other - lithuanian, key=str)[:10]}"
    )


def test_placeholder_check_catches_a_dropped_or_renamed_placeholder() -> None:
    po = polib.POFile()
    po.append(
        polib.POEntry(msgid="Hi %(name)s", msgstr="Labas", flags=["python-format"])
    )
    po.append(polib.POEntry(msgid="At %s", msgstr="%d val.", flags=["python-format"]))
    po.append(
        polib.POEntry(
            msgid="%(n)s%% done", msgstr="%(n)s%% atlikta", flags=["python-format"]
        )
    )
    assert len(placeholder_mismatches(po)) == 2


# --- Django renders the catalogues -------------------------------------------


@pytest.fixture
def compiled_locale(tmp_path: Path, settings: Any) -> Path:
    """Compile the working tree's catalogues and point LOCALE_PATHS at them."""
    for lang in ALL:
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        catalogue(lang).save_as_mofile(str(target / "django.mo"))
    # Changing LOCALE_PATHS makes Django drop its cached translations.
    settings.LOCALE_PATHS = [tmp_path]
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "sign_in"),
    [
        ("lt", "Prisijungti"),
        ("et", "Logi sisse"),
        ("pl", "Zaloguj się"),
        ("da", "Log ind"),
        ("ru", "Войти"),
    ],
)
def test_login_page_is_rendered_in_the_language_of_the_cookie(
    compiled_locale: Path, client: Client, lang: str, sign_in: str
) -> None:
    client.cookies["django_language"] = lang
    response = client.get("/account/login/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert f">{sign_in}</button>" in page
    assert ">Sign in</button>" not in page


@pytest.mark.parametrize(
    ("count", "form"), [(1, 0), (21, 0), (2, 1), (22, 1), (10, 2), (11, 2), (0, 2)]
)
def test_django_uses_the_lithuanian_plural_forms_of_our_catalogue(
    compiled_locale: Path, count: int, form: int
) -> None:
    # Django's own lt catalogue has 4 forms; ours must still be read with 3.
    entry = next(
        e for e in entries(catalogue(COMPLETE)) if e.msgid == "%(n)s person found"
    )
    with translation.override("lt"):
        text = translation.ngettext(entry.msgid, entry.msgid_plural, count)
    assert text == entry.msgstr_plural[form]
