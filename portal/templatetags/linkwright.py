"""Template filters of the portal."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def as_json(value: Any) -> str:
    """A value as it reads in ADF JSON (``false``, ``"text"``, ``{...}``)."""
    return json.dumps(value, ensure_ascii=False)
