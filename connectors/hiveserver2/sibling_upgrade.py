"""Upgrade rules of the HiveServer2 siblings (Hive, Impala) from 1.0 to 2.0, as data.

Each connector lists its rules (one per row of its page's change log and of Microsoft's
automatic-upgrade criteria) built from these few kinds:

* :class:`SetVersion` — ``version`` "2.0" written after ``type``;
* :class:`Blocks` — a 1.0 capability 2.0 does not have and no value can stand in for
  (Username authentication, HiveServer1, ZooKeeper service discovery, native query...):
  the definition is not upgraded; the reason says what to change in 1.0 first;
* :class:`Drops` — properties 2.0 does not have, left out when their 1.0 value is what
  2.0 does anyway (or, for the TLS options, with a warning of what 2.0 does instead);
* :class:`Replaces` — a 1.0 value 2.0 names differently (``HiveThriftServer`` →
  ``HiveServer2``);
* :class:`KeepsDefault` — a property whose default changed (``enableSsl``): an unset 1.0
  value is written out as what ran before;
* :class:`DataTypes` — the interim types that change (nothing to change in the definition).

:func:`blockers_of` answers "what blocks this definition" without planning the upgrade
(the lifecycle inventory asks it for each linked service).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.formspec import is_expression
from connectors.upgrade import Finding, QuietRule, TypeChange, shown, type_path

Predicate = Callable[[Mapping[str, Any]], bool]


def tp_of(properties: Mapping[str, Any]) -> Mapping[str, Any]:
    tp = properties.get("typeProperties")
    return tp if isinstance(tp, Mapping) else {}


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def equals(key: str, *values: str) -> Predicate:
    """The ``typeProperties`` value of ``key`` is one of ``values`` (case-insensitive)."""
    wanted = {v.lower() for v in values}
    return lambda tp: isinstance(tp.get(key), str) and tp[key].strip().lower() in wanted


def true(key: str) -> Predicate:
    return lambda tp: is_true(tp.get(key))


def expression(*keys: str) -> Predicate:
    return lambda tp: any(is_expression(tp.get(k)) for k in keys)


_Rule = QuietRule


@dataclass
class SetVersion(_Rule):
    connector: str
    id: str = "version"
    title: str = "Version 2.0 is written into the definition"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return properties.get("version") != "2.0"

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        before = shown(properties.get("version"))
        return [Finding(self.id, "$.properties.version", before, 'version "2.0"', "set it")]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        rest = {k: v for k, v in properties_out.items() if k not in ("type", "version")}
        properties_out.clear()
        properties_out.update({"type": self.connector, "version": "2.0", **rest})


@dataclass
class Blocks(_Rule):
    """When ``when`` holds of the 1.0 ``typeProperties``, the definition is not upgraded."""

    id: str
    title: str
    key: str
    when: Predicate
    reason: str
    """What to change first, a full sentence."""
    automatic: bool = False
    """One of Microsoft's criteria: ADF's automatic upgrade skips such a definition too."""

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return self.when(tp_of(properties))

    def blockers(self, properties: Mapping[str, Any]) -> list[str]:
        value = shown(tp_of(properties).get(self.key))
        return [f"{type_path(self.key)} is {value}: {self.title}. {self.reason}"]


@dataclass
class Drops(_Rule):
    """Properties 2.0 does not have, left out of the proposal."""

    id: str
    title: str
    keys: tuple[str, ...]
    needs: str
    warning_when: Predicate | None = None
    """When it holds, the findings are warnings (2.0 behaves differently)."""

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return any(k in tp_of(properties) for k in self.keys)

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        tp = tp_of(properties)
        warn = self.warning_when is not None and self.warning_when(tp)
        return [
            Finding(
                self.id,
                type_path(k),
                shown(tp[k]),
                self.needs,
                "left out",
                severity="warning" if warn else "info",
                dropped=True,
            )
            for k in self.keys
            if k in tp
        ]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        tp = properties_out.get("typeProperties")
        if isinstance(tp, dict):
            for k in self.keys:
                tp.pop(k, None)


@dataclass
class Replaces(_Rule):
    id: str
    title: str
    key: str
    old: tuple[str, ...]
    new: str

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return equals(self.key, *self.old)(tp_of(properties))

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        before = shown(tp_of(properties)[self.key])
        return [Finding(self.id, type_path(self.key), before, self.title, f"set to {self.new}")]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        properties_out["typeProperties"][self.key] = self.new


@dataclass
class KeepsDefault(_Rule):
    """``key``'s default changed: an unset 1.0 value is written out as ``old_default``."""

    id: str
    title: str
    key: str
    old_default: Any

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return self.key not in tp_of(properties)

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        return [
            Finding(
                self.id,
                type_path(self.key),
                f"unset (1.0 default: {shown(self.old_default)})",
                self.title,
                f"set to {shown(self.old_default)}, what ran before (change it to use 2.0's)",
            )
        ]

    def apply(self, properties_out: dict[str, Any], answers: Mapping[str, Any]) -> None:
        properties_out["typeProperties"][self.key] = self.old_default


@dataclass
class DataTypes(_Rule):
    connector: str
    changes: tuple[TypeChange, ...] = field(default_factory=tuple)
    id: str = "data-types"
    title: str = "Data types map to different interim types"

    def applies(self, properties: Mapping[str, Any]) -> bool:
        return bool(self.changes)

    def findings(self, properties: Mapping[str, Any], answers: Mapping[str, Any]) -> list[Finding]:
        changes = ", ".join(f"{t.source_type} {t.before} → {t.after}" for t in self.changes)
        return [
            Finding(
                self.id,
                "$.properties.type",
                f"the {self.connector} 1.0 data type mapping",
                f"the 2.0 mapping: {changes}",
                "nothing to change in the definition; check sinks downstream of copies",
            )
        ]


def type_changes(
    rows: Mapping[str, Mapping[str, str]], meaning: Callable[[str, str, str], str]
) -> tuple[TypeChange, ...]:
    """The rows of a type table whose interim type differs between 1.0 and 2.0."""
    return tuple(
        TypeChange(name, row["1.0"], row["2.0"], meaning(name, row["1.0"], row["2.0"]))
        for name, row in rows.items()
        if row["1.0"] != row["2.0"]
    )


FIRST = "Change it in version 1.0 first (and test it), then upgrade."


def tls_rules(tls_options: tuple[str, ...]) -> tuple[_Rule, ...]:
    """The TLS rows every sibling's change log has: the four 1.0 options are gone (2.0
    validates against the system trust store), and enableSsl's default became true."""
    return (
        Drops(
            "tls-options",
            "trustedCertPath, useSystemTrustStore, allowHostNameCNMismatch and "
            "allowSelfSignedServerCert are not supported",
            tls_options,
            "2.0 validates against the system trust store (enableServerCertificateValidation)",
            warning_when=true("enableSsl"),
        ),
        KeepsDefault(
            "enable-ssl-default",
            "The default value of enableSsl is true (1.0: false)",
            "enableSsl",
            False,
        ),
    )


def automatic_skips(rules: tuple[Any, ...], properties: Mapping[str, Any]) -> list[str]:
    """Why ADF's automatic upgrade skips ``properties``: the titles of the automatic
    criteria (``Blocks(automatic=True)``) it meets (empty: it is upgraded automatically)."""
    return [
        rule.title
        for rule in rules
        if isinstance(rule, Blocks) and rule.automatic and rule.applies(properties)
    ]


def blockers_of(rules: tuple[Any, ...], properties: Mapping[str, Any]) -> list[str]:
    """What blocks upgrading ``properties`` (empty: nothing blocks)."""
    found: list[str] = []
    for rule in rules:
        if rule.applies(properties):
            found.extend(rule.blockers(properties))
    return found


__all__ = [
    "FIRST",
    "Blocks",
    "DataTypes",
    "Drops",
    "KeepsDefault",
    "Replaces",
    "SetVersion",
    "automatic_skips",
    "blockers_of",
    "equals",
    "expression",
    "tls_rules",
    "true",
    "type_changes",
]
