"""Validate all's findings as text, JSON, JUnit XML (one test case per resource) and SARIF
2.1.0 (one result per finding, located at the resource's file and JSON path)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from xml.etree import ElementTree as ET

from connectors.factory_checks.findings import RULES, Finding, Severity
from connectors.factory_snapshot import FactorySnapshot

FORMATS = ("text", "json", "junit", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    out = {str(s): 0 for s in Severity}
    for f in findings:
        out[str(f.severity)] += 1
    return out


def text(snapshot: FactorySnapshot, findings: list[Finding]) -> str:
    lines = [str(f) for f in findings]
    summary = counts(findings)
    lines.append(
        f"{snapshot.name}: {len(snapshot.resources)} resources checked, "
        f"{summary['error']} errors, {summary['warning']} warnings, {summary['info']} info."
    )
    return "\n".join(lines) + "\n"


def as_json(snapshot: FactorySnapshot, findings: list[Finding]) -> str:
    return (
        json.dumps(
            {
                "factory": snapshot.name,
                "resources": len(snapshot.resources),
                "counts": counts(findings),
                "findings": [f.as_dict() for f in findings],
            },
            indent=2,
        )
        + "\n"
    )


def _resource_file(kind: str, name: str, path: str) -> str:
    return path or f"{kind}/{name}.json"


def junit(snapshot: FactorySnapshot, findings: list[Finding]) -> str:
    """One test suite for the factory, one test case per resource (and one for the factory
    as a whole): an error is a failure, warnings and info are written in system-out."""
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.file or "(factory)", []).append(f)
    cases = ["(factory)", *(_resource_file(r.kind, r.name, r.path) for r in snapshot.resources)]
    failures = sum(
        1 for c in cases if any(f.severity is Severity.ERROR for f in by_file.get(c, []))
    )
    suites = ET.Element(
        "testsuites", name="Validate all", tests=str(len(cases)), failures=str(failures)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=snapshot.name,
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for case_name in cases:
        case = ET.SubElement(suite, "testcase", classname=snapshot.name, name=case_name)
        found = by_file.get(case_name, [])
        errors = [f for f in found if f.severity is Severity.ERROR]
        if errors:
            failure = ET.SubElement(case, "failure", message=errors[0].message, type=errors[0].code)
            failure.text = "\n".join(str(f) for f in errors)
        others = [f for f in found if f.severity is not Severity.ERROR]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(str(f) for f in others)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def sarif(snapshot: FactorySnapshot, findings: list[Finding]) -> str:
    used = sorted({f.code for f in findings})
    rule_index = {code: i for i, code in enumerate(used)}
    results = []
    for f in findings:
        location: dict = {
            "physicalLocation": {"artifactLocation": {"uri": f.file or "."}},
            "logicalLocations": [{"fullyQualifiedName": f.path, "kind": "member"}],
        }
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": rule_index[f.code],
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [location],
                "properties": {"jsonPath": f.path, "kind": f.kind, "name": f.name},
            }
        )
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "Linkwright Validate all",
                        "informationUri": "https://learn.microsoft.com/azure/data-factory/",
                        "rules": [
                            {
                                "id": code,
                                "shortDescription": {"text": RULES[code].title},
                                "defaultConfiguration": {
                                    "level": _SARIF_LEVEL[RULES[code].severity]
                                },
                            }
                            for code in used
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


RENDERERS = {"text": text, "json": as_json, "junit": junit, "sarif": sarif}


def render(fmt: str, snapshot: FactorySnapshot, findings: list[Finding]) -> str:
    return RENDERERS[fmt](snapshot, findings)
