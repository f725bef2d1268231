"""Override files as text: UTF-8, a byte order mark kept as it was found."""

from __future__ import annotations

from connectors.file_style import BOM


class NotText(ValueError):
    """The file is not UTF-8 text (it is kept as its bytes, and reported)."""


def decode(raw: bytes) -> tuple[str, bool]:
    """(the text, whether it began with a BOM); raises NotText."""
    bom = raw.startswith(BOM)
    try:
        return (raw[len(BOM) :] if bom else raw).decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        raise NotText(f"The file is not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc


def encode(text: str, bom: bool) -> bytes:
    data = text.encode("utf-8")
    return BOM + data if bom else data


__all__ = ["NotText", "decode", "encode"]
