"""Template filters of the knowledge pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from infoline.knowledge.markup import render

register = template.Library()


@register.filter
def markup(source: str) -> SafeString:
    """Render script or article text; ``markup.render`` escapes every character first."""
    return mark_safe(render(source or ""))
