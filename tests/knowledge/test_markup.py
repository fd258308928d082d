"""The script markup is safe: nothing the author types becomes a tag."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from infoline.knowledge.markup import plain_text, render


def test_structure() -> None:
    html = render(
        "## Say\n1. Greet\n2. Ask **name**\n\n- one\n- two\n\nSee https://www.sodra.lt."
    )
    assert html == (
        "<h3>Say</h3>\n<ol><li>Greet</li><li>Ask <strong>name</strong></li></ol>\n"
        "<ul><li>one</li><li>two</li></ul>\n"
        '<p>See <a href="https://www.sodra.lt" rel="noopener noreferrer">'
        "https://www.sodra.lt</a>.</p>"
    )


def test_html_is_escaped() -> None:
    html = render('<script>alert(1)</script> <a href="javascript:x">y</a> **<b>**')
    assert "<script" not in html and '<a href="javascript' not in html
    assert "&lt;script&gt;" in html


def test_link_cannot_break_out_of_its_attribute() -> None:
    html = render('https://x.lt/"onmouseover="alert(1)')
    assert 'href="https://x.lt/"' in html
    assert '"onmouseover' not in html


@given(st.text(alphabet=st.sampled_from(list("<>&\"'*#-1. \nab:/htps")), max_size=80))
def test_no_author_tag_survives(source: str) -> None:
    html = render(source)
    for tag in (
        "<h3>",
        "</h3>",
        "<p>",
        "</p>",
        "<ol>",
        "</ol>",
        "<ul>",
        "</ul>",
        "<li>",
        "</li>",
        "<br>",
        "<strong>",
        "</strong>",
        "</a>",
    ):
        html = html.replace(tag, "")
    html = __import__("re").sub(
        r'<a href="https?://[^"<>]*" rel="noopener noreferrer">', "", html
    )
    assert "<" not in html and ">" not in html


def test_plain_text() -> None:
    assert plain_text("## Say\n1. Greet **now**\n- one") == "Say Greet now one"
