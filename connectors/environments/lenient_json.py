"""JSON as PowerShell's ``ConvertFrom-Json`` reads a config file's value: strict JSON, or
JSON with single-quoted strings (``{'type': 'int32'}``)."""

from __future__ import annotations

import json
import re
from typing import Any

_SINGLE_QUOTED = re.compile(r"""'((?:[^'\\]|\\.)*)'|"(?:[^"\\]|\\.)*\"""")


def loads_lenient(text: str) -> Any:
    """JSON as PowerShell's ``ConvertFrom-Json`` reads it: strict JSON, or JSON with
    single-quoted strings (``{'type': 'int32'}``). Raises ValueError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass

    def double(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)
        return json.dumps(match.group(1).replace("\\'", "'"))

    try:
        return json.loads(_SINGLE_QUOTED.sub(double, text))
    except json.JSONDecodeError as exc:
        raise ValueError(str(exc)) from None


__all__ = ["loads_lenient"]
