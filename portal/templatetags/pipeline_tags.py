"""Template filters of the pipeline pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``mapping[key]`` for a key a template cannot spell (``"1.0"``), or one a dict's
    method would answer for when it is missing (``result.values`` is ``dict.values()``)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
