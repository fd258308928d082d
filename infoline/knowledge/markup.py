"""A small, safe text markup for scripts and articles (pure: no Django, no I/O).

Authors write plain text; a few conventions become structure:

1. A blank line separates paragraphs.
2. Lines starting with ``- `` or ``* `` form a bulleted list; lines starting
   with ``1. ``, ``2. `` ... a numbered list (the steps of a call model).
3. A line starting with ``## `` is a heading.
4. ``**words**`` is bold; ``http(s)://`` addresses become links.

Every character of the source is HTML-escaped before any tag is added, so no
markup the author types (``<script>``, ``<a onclick>``) reaches the page: the
only tags in the output are the ones this module writes.
"""

from __future__ import annotations

import html
import re

__all__ = ["plain_text", "render"]

_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_HEADING = re.compile(r"^\s*##\s+(.*)$")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# Escaped text: "&" became "&amp;", so an address ends before "&lt;" or "&quot;".
_LINK = re.compile(
    r"\bhttps?://[^\s<>\"']+?(?=(?:&lt;|&gt;|&quot;|&#x27;|[.,;:!?)]*(?:\s|$)))"
)


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _LINK.sub(
        lambda m: f'<a href="{m.group(0)}" rel="noopener noreferrer">{m.group(0)}</a>',
        escaped,
    )


def render(source: str) -> str:
    """Return safe HTML for ``source`` written in the markup above."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def flush_paragraph() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(x) for x in paragraph) + "</p>")
            paragraph.clear()

    def flush_list() -> None:
        nonlocal list_tag
        if items:
            body = "".join(f"<li>{_inline(x)}</li>" for x in items)
            out.append(f"<{list_tag}>{body}</{list_tag}>")
            items.clear()
        list_tag = ""

    for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            flush_paragraph()
            flush_list()
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        number = _NUMBER.match(line)
        if heading:
            flush_paragraph()
            flush_list()
            out.append(f"<h3>{_inline(heading.group(1).strip())}</h3>")
        elif bullet or number:
            flush_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag and list_tag != tag:
                flush_list()
            list_tag = tag
            match = bullet or number
            assert match is not None  # one of the two matched
            items.append(match.group(1).strip())
        elif items:
            # A continuation line belongs to the list item above it.
            items[-1] = f"{items[-1]} {line.strip()}"
        else:
            paragraph.append(line.strip())
    flush_paragraph()
    flush_list()
    return "\n".join(out)


def plain_text(source: str) -> str:
    """Return ``source`` without markup characters, for snippets and the API."""
    lines = []
    for line in source.replace("\r\n", "\n").split("\n"):
        for pattern in (_HEADING, _BULLET, _NUMBER):
            match = pattern.match(line)
            if match:
                line = match.group(1)
                break
        lines.append(line.replace("**", ""))
    return re.sub(r"\s+", " ", " ".join(lines)).strip()
