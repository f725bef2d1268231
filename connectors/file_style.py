"""How a JSON file is laid out (indentation, line endings, final newline, BOM), found from
its bytes, so that a re-serialised document looks like the file it came from.

Key order needs nothing here: Python dicts keep the order the file had.
ADF Studio's own files are tab-indented, ``\\n`` line endings, no final newline, no BOM,
non-ASCII characters written as they are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

BOM = b"\xef\xbb\xbf"
_FIRST_INDENT = re.compile(rb"\r?\n([ \t]+)\S")
_ESCAPED_NON_ASCII = re.compile(rb"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])")


@dataclass(frozen=True)
class FileStyle:
    indent: str | None = "\t"
    """One level of indentation (a tab, or N spaces); ``None`` for a one-line file."""
    newline: str = "\n"
    final_newline: bool = False
    bom: bool = False
    ascii_only: bool = False
    """Non-ASCII characters were written as ``\\uXXXX`` escapes."""

    def describe(self) -> str:
        if self.indent is None:
            layout = "one line"
        elif self.indent == "\t":
            layout = "tabs"
        else:
            layout = f"{len(self.indent)} spaces"
        parts = [layout, "CRLF" if self.newline == "\r\n" else "LF"]
        parts.append("final newline" if self.final_newline else "no final newline")
        if self.bom:
            parts.append("BOM")
        return ", ".join(parts)


STUDIO_STYLE = FileStyle()
"""What ADF Studio's git integration writes."""


def detect_style(raw: bytes) -> FileStyle:
    bom = raw.startswith(BOM)
    body = raw[len(BOM) :] if bom else raw
    # A one-byte search first (memchr): the two-byte one reads a large file ten times slower.
    newline = "\r\n" if b"\r" in body and b"\r\n" in body else "\n"
    stripped = body.rstrip(b" \t")
    final_newline = stripped.endswith(b"\n")
    found = _FIRST_INDENT.search(body)
    if found is not None:
        unit = found.group(1)
        indent: str | None = "\t" if unit.startswith(b"\t") else " " * len(unit)
    else:
        indent = None if b"\n" not in body.rstrip(b"\r\n") else ""
    return FileStyle(
        indent=indent,
        newline=newline,
        final_newline=final_newline,
        bom=bom,
        # (no backslash, found at memchr speed: no escape, and the whole is not searched)
        ascii_only=b"\\" in body and _ESCAPED_NON_ASCII.search(body) is not None,
    )


_STYLES: dict[FileStyle, FileStyle] = {}


def shared_style(style: FileStyle) -> FileStyle:
    """The one instance of ``style`` (equal styles are one object): a repository's files
    are written in a few styles, and each file keeps its own."""
    return _STYLES.setdefault(style, style)


def render(document: Any, style: FileStyle = STUDIO_STYLE) -> bytes:
    """``document`` as bytes in ``style``."""
    if style.indent is None:
        text = json.dumps(document, ensure_ascii=style.ascii_only)
    else:
        text = json.dumps(document, indent=style.indent, ensure_ascii=style.ascii_only)
    if style.newline != "\n":
        # json.dumps escapes newlines inside strings, so every "\n" here is a line break.
        text = text.replace("\n", style.newline)
    if style.final_newline:
        text += style.newline
    data = text.encode("utf-8")
    return BOM + data if style.bom else data


__all__ = ["BOM", "STUDIO_STYLE", "FileStyle", "detect_style", "render"]
