"""Which files of a repository hold an environment's overrides, in which format, for which
environment: ``deployment/config-<stage>.csv`` or ``.json`` (azure.datafactory.tools) and
ARM parameter files (``ARMTemplateParametersForFactory.<stage>.json``,
``<stage>/ARMTemplateParametersForFactory.json``, ``parameters.<stage>.json``...)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum

from connectors.environments.arm import TEMPLATE_PATH, looks_like_parameters


class Format(StrEnum):
    ADFTOOLS_CSV = "adftools-csv"
    ADFTOOLS_JSON = "adftools-json"
    ARM_PARAMETERS = "arm-parameters"

    @property
    def label(self) -> str:
        return {
            "adftools-csv": "azure.datafactory.tools config (CSV)",
            "adftools-json": "azure.datafactory.tools config (JSON)",
            "arm-parameters": "ARM template parameters",
        }[self.value]


_CONFIG = re.compile(r"(?:^|/)deployment/config-(?P<stage>[^/]+)\.(?P<ext>csv|json)$", re.I)
_ARM_FILE = re.compile(r"(?:^|/)(?P<stem>[^/]*parameters[^/]*)\.json$", re.I)
_ARM_WORDS = re.compile(r"armtemplateparametersforfactory|armtemplateparameters|parameters", re.I)
_SEPARATORS = "._- "


@dataclass(frozen=True)
class Recognised:
    format: Format
    environment: str


def recognise(path: str, raw: bytes | None = None) -> Recognised | None:
    """The format and environment of an override file, from its path (and, for a JSON
    file that could be an ARM parameter file, its content); None for any other file."""
    config = _CONFIG.search(path)
    if config is not None:
        csv = config.group("ext").casefold() == "csv"
        return Recognised(
            Format.ADFTOOLS_CSV if csv else Format.ADFTOOLS_JSON, config.group("stage")
        )
    arm = _ARM_FILE.search(path)
    if arm is None or path.casefold() == TEMPLATE_PATH or "_master" in arm.group("stem"):
        return None
    stage = _ARM_WORDS.sub(" ", arm.group("stem")).strip(_SEPARATORS)
    if not stage:
        folders = path.split("/")[:-1]
        stage = folders[-1] if folders else ""
    if not stage:
        return None
    if raw is not None and not _is_parameters(raw):
        return None
    return Recognised(Format.ARM_PARAMETERS, stage)


def _is_parameters(raw: bytes) -> bool:
    try:
        return looks_like_parameters(json.loads(raw.decode("utf-8-sig")))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False


def config_path(environment: str, format_: Format) -> str:
    """Where a new override file of an environment goes."""
    if format_ is Format.ARM_PARAMETERS:
        return f"deployment/ARMTemplateParametersForFactory.{environment}.json"
    extension = "csv" if format_ is Format.ADFTOOLS_CSV else "json"
    return f"deployment/config-{environment}.{extension}"


STAGE_ORDER = ("dev", "development", "int", "test", "tst", "qa", "uat", "stage",
               "staging", "preprod", "pre-prod", "prod", "production", "prd")  # fmt: skip


def stage_rank(name: str) -> tuple[int, str]:
    """Environments in the usual order: dev, test, qa, uat, staging, prod; others after."""
    folded = name.casefold()
    return (STAGE_ORDER.index(folded) if folded in STAGE_ORDER else len(STAGE_ORDER), folded)


__all__ = ["Format", "Recognised", "config_path", "recognise", "stage_rank"]
