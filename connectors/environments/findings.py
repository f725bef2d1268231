"""What a check of an environment finds, and where: a file, its line and column, the field.

Messages never quote an override's value (it may be a secret): they say what is wrong and
where, and the value stays in its file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypedDict, Unpack


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Where:
    file: str
    line: int = 0
    """1-based; 0 for the file as a whole."""
    column: int = 0
    """1-based character column; 0 for the whole line."""
    field: str = ""
    """``type``, ``name``, ``path``, ``value``, ``action`` (config files), or a parameter's
    name (ARM parameter files); empty for the whole row."""

    def at(self, *, column: int | None = None, field: str | None = None) -> Where:
        return replace(
            self,
            column=self.column if column is None else column,
            field=self.field if field is None else field,
        )

    def __str__(self) -> str:
        out = self.file
        if self.line:
            out += f":{self.line}"
            if self.column:
                out += f":{self.column}"
        return out


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str
    where: Where
    code: str = ""
    """azure.datafactory.tools' own error code (``ADFT0010``) where the tool has one."""
    resource: str = ""
    """``kind 'name'`` of the resource concerned, when there is one."""
    json_path: str = ""
    """Where in the resource's effective definition (``$.properties.typeProperties.url``)."""
    clear_secret: bool = False
    """The row writes a secret in clear (it is kept as the mask: see ``masking``)."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        code = f"{self.code}: " if self.code else ""
        field = f" ({self.where.field})" if self.where.field else ""
        about = f" {self.resource}" if self.resource else ""
        path = f" {self.json_path}" if self.json_path else ""
        return f"{self.where}: {self.severity}{field}:{about}{path} {code}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": str(self.severity),
            "code": self.code,
            "file": self.where.file,
            "line": self.where.line,
            "column": self.where.column,
            "field": self.where.field,
            "resource": self.resource,
            "path": self.json_path,
            "message": self.message,
        }


class About(TypedDict, total=False):
    """What a finding is about: the resource and the path in its definition."""

    resource: str
    json_path: str


def error(
    where: Where,
    message: str,
    code: str = "",
    *,
    clear_secret: bool = False,
    **about: Unpack[About],
) -> Finding:
    return Finding(Severity.ERROR, message, where, code, clear_secret=clear_secret, **about)


def warning(where: Where, message: str, code: str = "", **about: Unpack[About]) -> Finding:
    return Finding(Severity.WARNING, message, where, code, **about)


def note(where: Where, message: str, code: str = "", **about: Unpack[About]) -> Finding:
    return Finding(Severity.NOTE, message, where, code, **about)


__all__ = ["About", "Finding", "Severity", "Where", "error", "note", "warning"]
