"""Validate all's JUnit and SARIF reports read by real consumers (issue 23): junitparser
reads the JUnit report back; the SARIF report is read by Microsoft's sarif-tools (the
``sarif`` command's library) and by sarif-pydantic, whose models are typed after the SARIF
2.1.0 JSON Schema."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from junitparser import Failure, JUnitXml
from sarif.loader import load_sarif_file
from sarif_pydantic import Sarif

from tests.test_validate_publish_commands import LINKED, PIPELINE, imported

pytestmark = pytest.mark.django_db


def report(tmp_path: Path, fmt: str) -> str:
    imported(tmp_path, ("linkedService", LINKED), ("pipeline", PIPELINE))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate", "--format", fmt, stdout=out)
    return out.getvalue()


def test_junitparser_reads_the_junit_report_with_one_failure_at_the_broken_pipeline(
    tmp_path: Path, editor: Any
) -> None:
    path = tmp_path / "validate.xml"
    path.write_text(report(tmp_path, "junit"), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    [suite] = list(xml)
    cases = {case.name: case for case in suite}
    assert set(cases) == {"(factory)", "linkedService/Blob.json", "pipeline/Load.json"}
    assert suite.tests == 3 and suite.failures == 1 and suite.errors == 0
    [failure] = cases["pipeline/Load.json"].result
    assert isinstance(failure, Failure)
    assert failure.type == "LW-REF-001"
    assert failure.message
    assert all(case.is_passed for name, case in cases.items() if name != "pipeline/Load.json")


def test_sarif_tools_and_the_schema_typed_models_read_the_sarif_report(
    tmp_path: Path, editor: Any
) -> None:
    text = report(tmp_path, "sarif")
    data = json.loads(text)
    model = Sarif.model_validate(data)
    assert model.version == "2.1.0"
    [run] = model.runs
    assert run.tool.driver.name
    [result] = run.results or []
    assert result.rule_id == "LW-REF-001"
    path = tmp_path / "validate.sarif"
    path.write_text(text, encoding="utf-8")
    consumer = load_sarif_file(str(path))
    assert consumer.get_result_count() == 1
    [record] = consumer.get_records()
    assert record["Severity"] == "error"
    assert record["Location"] == "pipeline/Load.json"
    assert record["Code"].startswith("LW-REF-001")
