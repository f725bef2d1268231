"""Environments of a factory: its per-stage values, kept in git as teams keep them, and
checked while authoring.

A factory's repository holds its resources (the repository's own values) and, per stage,
override files in one of the two formats teams use:

- azure.datafactory.tools config files, ``deployment/config-<stage>.csv`` or ``.json``
  (:mod:`.config_csv`, :mod:`.config_json`, applied by :mod:`.adftools`);
- ARM parameter files, one per environment, for the properties the parameterisation
  template makes parameters (:mod:`.arm`).

Each file is kept byte for byte (:mod:`.files` tells which files are which); an edit
rewrites only the row it changes. :mod:`.check` applies each environment's files to the
repository's values and validates every effective definition with its connector's schema
and kind rules (:mod:`.validate`), reporting each problem at its file, line, column and
field (:mod:`.findings`), with azure.datafactory.tools' own error code where it has one.
Secrets in override files (:mod:`.secret_values`) are Key Vault references or environment
tokens (:mod:`.tokens`), never clear values; a row that writes one in clear is kept as the
mask (:mod:`.masking`). Plain Python: no Django.
"""

from connectors.environments.base import Base, BaseResource, Change
from connectors.environments.check import (
    EnvironmentInput,
    EnvironmentResult,
    OverrideFile,
    base_from_repository,
    check_environment,
    check_environments,
)
from connectors.environments.files import Format, Recognised, recognise, stage_rank
from connectors.environments.findings import Finding, Severity, Where

__all__ = [
    "Base",
    "BaseResource",
    "Change",
    "EnvironmentInput",
    "EnvironmentResult",
    "Finding",
    "Format",
    "OverrideFile",
    "Recognised",
    "Severity",
    "Where",
    "base_from_repository",
    "check_environment",
    "check_environments",
    "recognise",
    "stage_rank",
]
