"""Text folding for search that ignores case and diacritics."""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "fold_key", "search_tokens"]

# Letters that do not decompose into a base letter plus a combining mark.
_EXTRA = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ı": "i", "ё": "е"}
)


def fold(text: str) -> str:
    """Return ``text`` case-folded, without diacritics ("Šarūnas" → "sarunas")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Cyrillic й decomposes to и + breve; recompose so Russian words stay intact.
    return unicodedata.normalize("NFC", stripped).translate(_EXTRA)


def search_tokens(query: str, limit: int = 6) -> list[str]:
    """Split a query into folded tokens, at most ``limit`` of them."""
    return [token for token in fold(query).split() if token][:limit]


def fold_key(text: str) -> str:
    """Fold and keep letters and digits only ("LT-44 280" → "lt44280"), for range keys."""
    return "".join(ch for ch in fold(text) if ch.isalnum())
