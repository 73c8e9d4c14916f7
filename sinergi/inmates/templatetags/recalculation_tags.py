"""The recalculation report's values as a page shows them."""

from __future__ import annotations

from django import template

from sinergi import sentences as engine
from sinergi.inmates.sheet import say_text

register = template.Library()

_TITLES = {rule_set.name: rule_set.title for rule_set in engine.RULE_SETS}


@register.filter
def rule_set_title(name: str) -> str:
    """A rule set's readable title (with its instruments) in the active language, from
    the name stored with a sentence; a name no published set has is shown as it is."""
    title = _TITLES.get(name, "")
    return say_text(title) if title else name
