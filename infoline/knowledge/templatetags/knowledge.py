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


@register.simple_tag(takes_context=True)
def may(context: template.Context, action: str) -> bool:
    """Whether the signed-in user's role allows ``action`` (for links only)."""
    from infoline.accounts.permissions import has_action

    request = context.get("request")
    return has_action(getattr(request, "user", None), action)
