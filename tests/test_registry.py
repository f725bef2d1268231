"""The connector registry imports a connector's package when the connector is first looked
up: asking whether a type is known imports nothing (manage.py test_connection of a Spark
linked service loads the Spark connector only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from connectors import registry
from connectors.kinds import LINKED_SERVICE
from connectors.registry import PACKAGES, REGISTRY, _Registry, has_form

ROOT = Path(__file__).resolve().parents[1]

FRESH_PROCESS = """
import sys
from connectors.kinds import LINKED_SERVICE
from connectors.registry import REGISTRY, has_form
assert has_form(LINKED_SERVICE.name, "Hive") and "Impala" in REGISTRY and len(REGISTRY) == 6
assert not any(m in sys.modules for m in ("connectors.hive", "connectors.impala")), "eager"
assert REGISTRY["Hive"].type == "Hive"
assert "connectors.hive" in sys.modules and "connectors.impala" not in sys.modules
print("ok")
"""


def test_knowing_a_type_imports_nothing_and_a_look_up_imports_that_connector_only() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS], cwd=ROOT, capture_output=True, text=True
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_every_package_declares_the_type_it_is_registered_under() -> None:
    assert list(REGISTRY) == list(PACKAGES)
    for connector_type, connector in REGISTRY.items():
        assert connector.type == connector_type


def test_a_package_declaring_another_type_is_refused() -> None:
    with pytest.raises(RuntimeError, match="connectors.hive declares 'Hive', not 'Spark'"):
        _Registry({"Spark": "connectors.hive"})["Spark"]


def test_an_unknown_type_is_no_connector() -> None:
    assert "Oracle" not in REGISTRY and REGISTRY.get("Oracle") is None
    assert not has_form(LINKED_SERVICE.name, "Oracle")
    with pytest.raises(registry.UnknownConnector, match="supported: AzureBlobFS"):
        registry.get_connector("Oracle")


def test_a_connector_put_in_for_a_test_is_taken_back_out(monkeypatch: pytest.MonkeyPatch) -> None:
    spark = REGISTRY["Spark"]
    with monkeypatch.context() as patched:
        patched.setitem(REGISTRY, "Spark", REGISTRY["Hive"])
        patched.setitem(REGISTRY, "Made up", spark)
        assert REGISTRY["Spark"].type == "Hive" and "Made up" in REGISTRY
    assert REGISTRY["Spark"] is spark and "Made up" not in REGISTRY
