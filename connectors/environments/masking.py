"""An override file's clear secrets replaced by the mask, each in its own row only, so that
no secret is kept at rest or exported (the rest of the file stays byte for byte)."""

from __future__ import annotations

from typing import Any

from connectors.environments.arm import parameters_of, parse_arm_parameters, read_template
from connectors.environments.base import Base
from connectors.environments.check import OverrideFile, read_file
from connectors.environments.config_csv import parse_config_csv
from connectors.environments.config_json import entries, parse_config_json
from connectors.environments.effective import Workspace
from connectors.environments.files import Format
from connectors.environments.findings import Finding
from connectors.environments.secret_values import masked_text
from connectors.secrets import MASK


def without_clear_secrets(file: OverrideFile, findings: list[Finding]) -> bytes:
    """``file``'s bytes with the value of every row a finding says holds a clear secret
    masked (its bytes as they are when there is none)."""
    places = {
        (f.where.line, f.where.column, f.where.field)
        for f in findings
        if f.clear_secret and f.where.file == file.path
    }
    if not places:
        return file.raw
    if file.format is Format.ADFTOOLS_CSV:
        config = parse_config_csv(file.path, file.raw)
        for row in list(config.rows()):
            at = row.where(file.path, "value")
            if (at.line, at.column, at.field) in places:
                config.set_cells(row.index, value=masked_text(row.text("value") or ""))
        return config.to_bytes()
    if file.format is Format.ADFTOOLS_JSON:
        config_json = parse_config_json(file.path, file.raw)
        items, _ = entries(config_json)
        for item in items:
            value_at = item.where.get("value")
            if value_at is not None and (value_at.line, value_at.column, "value") in places:
                masked = masked_text(item.value)
                config_json.set_entry(item.object_name, item.index, value=masked)
        return config_json.to_bytes()
    parameters = parse_arm_parameters(file.path, file.raw)
    for _line, _column, name in sorted(places):
        parameters.set_value(name, MASK)
    return parameters.to_bytes()


def masked_file(
    file: OverrideFile, base: Base, template_raw: bytes | None = None
) -> tuple[bytes, list[int]]:
    """``file`` as it may be kept (its clear secrets masked) and the lines that were masked;
    the rows are read against ``base`` (which resource and property each one sets)."""
    parameters: list[Any] = []
    if file.format is Format.ARM_PARAMETERS:
        parameters = parameters_of(base, read_template(template_raw)[0])
    findings = read_file(
        file, base, Workspace(base), environment="", variables={}, parameters=parameters
    )
    lines = sorted({f.where.line for f in findings if f.clear_secret})
    return without_clear_secrets(file, findings), lines


__all__ = ["masked_file", "without_clear_secrets"]
