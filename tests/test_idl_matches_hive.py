"""The reduced IDL must agree with Hive's on every field id, type and enum value.

The reference is the compiled ``hive-service-rpc`` jar that ships in pyspark
(the same classes the Spark Thrift Server uses): ``javap`` shows the static
``TField(name, type, id)`` descriptors of each struct and the values of each
enum. Skipped when javap or pyspark is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from thrift.Thrift import TType

from connectors.hiveserver2.gen.TCLIService import ttypes

JAVA_PACKAGE = "org.apache.hive.service.rpc.thrift"


def _rpc_jar() -> Path | None:
    try:
        import pyspark
    except ImportError:
        return None
    jars = sorted((Path(pyspark.__file__).parent / "jars").glob("hive-service-rpc-*.jar"))
    return jars[0] if jars else None


def _our_structs() -> dict[str, Any]:
    return {
        name: obj
        for name, obj in vars(ttypes).items()
        if isinstance(obj, type)
        and obj.__module__ == ttypes.__name__
        and hasattr(obj, "thrift_spec")
    }


def _our_enums() -> dict[str, Any]:
    return {
        name: obj
        for name, obj in vars(ttypes).items()
        if isinstance(obj, type)
        and obj.__module__ == ttypes.__name__
        and hasattr(obj, "_VALUES_TO_NAMES")
    }


_INT = re.compile(r"\b(?:iconst_(m1|\d)|bipush\s+(-?\d+)|sipush\s+(-?\d+))")
_STR = re.compile(r"// String (\S+)")


def _javap(jar: Path, classes: list[str]) -> dict[str, list[str]]:
    out = subprocess.run(
        ["javap", "-c", "-p", "-constants", "-classpath", str(jar), *classes],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    per_class: dict[str, list[str]] = {}
    current = ""
    for line in out.splitlines():
        head = re.match(r"^(?:public |final |abstract )*(?:class|enum) (\S+)", line)
        if head:
            current = head.group(1).rsplit(".", 1)[-1]
            per_class[current] = []
        elif current:
            per_class[current].append(line)
    return per_class


def _constants(lines: list[str], init_marker: str) -> list[tuple[str, list[int]]]:
    """(string, ints) pushed just before each constructor call matching marker."""
    found: list[tuple[str, list[int]]] = []
    text: str | None = None
    ints: list[int] = []
    for line in lines:
        s = _STR.search(line)
        if s and "ldc" in line:
            text, ints = s.group(1), []
            continue
        m = _INT.search(line)
        if m and text is not None:
            raw = next(g for g in m.groups() if g is not None)
            ints.append(-1 if raw == "m1" else int(raw))
            continue
        if init_marker in line and text is not None:
            found.append((text, ints))
            text, ints = None, []
    return found


@pytest.fixture(scope="module")
def java_classes() -> dict[str, list[str]]:
    jar = _rpc_jar()
    if jar is None or shutil.which("javap") is None:
        pytest.skip("needs pyspark's hive-service-rpc jar and javap (a JDK)")
    names = list(_our_structs()) + list(_our_enums())
    return _javap(jar, [f"{JAVA_PACKAGE}.{n}" for n in names])


def test_every_struct_field_matches_hive(java_classes: dict[str, list[str]]) -> None:
    for name, cls in _our_structs().items():
        java = {
            field: (ints[0], ints[1])
            for field, ints in _constants(
                java_classes[name], 'org/apache/thrift/protocol/TField."<init>"'
            )
            if len(ints) == 2
        }
        assert java, f"no TField descriptors found for {name}"
        for spec in cls.thrift_spec:
            if spec is None:
                continue
            field_id, ttype, field_name = spec[0], spec[1], spec[2]
            assert field_name in java, f"{name}.{field_name} is not in Hive's {name}"
            java_type, java_id = java[field_name]
            assert (field_id, ttype) == (java_id, java_type), (
                f"{name}.{field_name}: ours id {field_id} type {ttype}, "
                f"Hive's id {java_id} type {java_type}"
            )


def test_every_enum_value_matches_hive(java_classes: dict[str, list[str]]) -> None:
    for name, cls in _our_enums().items():
        java = {
            label: ints[-1]
            for label, ints in _constants(java_classes[name], '"<init>":(Ljava/lang/String;II)V')
            if ints
        }
        assert java, f"no enum constants found for {name}"
        for value, label in cls._VALUES_TO_NAMES.items():
            assert java.get(label) == value, (
                f"{name}.{label}: ours {value}, Hive's {java.get(label)}"
            )


def test_enum_fields_are_i32_like_hive() -> None:
    spec = ttypes.TOpenSessionReq.thrift_spec[1]  # type: ignore[attr-defined]
    assert spec[:3] == (1, TType.I32, "client_protocol")
