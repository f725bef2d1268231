"""One column's type as a connector shows it: the server's type name, the connector's own
name for it (the first column of its type-mapping table), and the interim service type ADF
uses for it under a connector version."""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN = "unknown"
NOT_SUPPORTED = "Not supported"


@dataclass(frozen=True)
class ColumnType:
    server_type: str
    source_type: str | None
    """The connector's name for the type (``DecimalType``, ``DECIMAL``); None off its table."""
    interim_type: str
    adf_type: str
    """The ``type`` ADF writes in a dataset's ``schema`` entry (lower-case, no arguments)."""
    precision: int | None = None
    scale: int | None = None

    @property
    def supported(self) -> bool:
        return self.interim_type not in (UNKNOWN, NOT_SUPPORTED)

    @property
    def source_type_label(self) -> str:
        return self.source_type or self.server_type

    def to_dict(self) -> dict[str, object]:
        return {
            "server_type": self.server_type,
            "source_type": self.source_type_label,
            "interim_type": self.interim_type,
            "supported": self.supported,
        }


__all__ = ["NOT_SUPPORTED", "UNKNOWN", "ColumnType"]
