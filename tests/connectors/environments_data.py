"""The environments test factory (``data/environments``) read as the engine reads it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from connectors.adf_repository import read_repository
from connectors.environments import (
    Base,
    EnvironmentInput,
    EnvironmentResult,
    OverrideFile,
    base_from_repository,
    check_environment,
    recognise,
)

ROOT = Path(__file__).resolve().parent / "data" / "environments"
DEPLOYMENT = ROOT / "deployment"
TEST_VARIABLES = {"Stage": "test", "WAIT_SECONDS": "7"}


def base() -> Base:
    return base_from_repository(read_repository(ROOT), "ContosoFactory")


def override_file(name: str, raw: bytes | None = None) -> OverrideFile:
    path = f"deployment/{name}"
    data = (DEPLOYMENT / name).read_bytes() if raw is None else raw
    recognised = recognise(path, data)
    assert recognised is not None, path
    return OverrideFile(path, recognised.format, data)


def checked(
    name: str, variables: Mapping[str, str] | None = None, raw: bytes | None = None
) -> EnvironmentResult:
    file = override_file(name, raw)
    environment = recognise(file.path, file.raw)
    assert environment is not None
    return check_environment(
        base(), EnvironmentInput(environment.environment, [file], variables or {})
    )


def effective(result: EnvironmentResult, kind: str, name: str) -> dict:
    resource = result.workspace.base.get(kind, name)
    assert resource is not None
    return result.effective(resource)
