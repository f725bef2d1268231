"""The services layer holds: views, API views and commands neither import the audit writer
nor the save engine, and a write made from them without a service is refused (the guard of
tests/layering.py, on for every test)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from portal.models import Factory
from tests.layering import WriteOutsideServices

ROOT = Path(__file__).resolve().parent.parent / "portal"
CALLERS = [ROOT / "views", ROOT / "api", ROOT / "management" / "commands"]
FORBIDDEN = {
    "portal.audit": None,
    "portal.definitions": {
        "save_definition",
        "save_value",
        "create_definitions",
        "append_revisions",
        "delete_definition",
        "undelete_definition",
        "purge_definition",
        "restore_revision",
    },
    "portal.imports": {"import_repository", "import_documents", "export_repository"},
    "portal.upgrades": {"apply_upgrade", "bulk_upgrade"},
    "portal.roles": {"grant", "set_role"},
}


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found.append((node.module, alias.name, node.lineno))
                found.append((f"{node.module}.{alias.name}", None, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, None, node.lineno) for alias in node.names)
    return found


def test_views_api_views_and_commands_import_no_writer_but_the_services() -> None:
    offences = []
    for folder in CALLERS:
        for path in sorted(folder.rglob("*.py")):
            for module, name, line in _imports(path):
                if module not in FORBIDDEN:
                    continue
                names = FORBIDDEN[module]
                if names is None or name in names:
                    offences.append(f"{path.relative_to(ROOT.parent)}:{line} {module} {name}")
    assert not offences, "\n".join(offences)


@pytest.mark.django_db
def test_a_write_from_a_view_without_a_service_is_refused_by_the_guard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The guard sees a write whose stack passes through portal/views but not services."""
    source = "def view(factory):\n    factory.description = 'x'\n    factory.save()\n"
    code = compile(source, str(ROOT / "views" / "pretend.py"), "exec")
    scope: dict[str, Any] = {}
    exec(code, scope)  # noqa: S102 - a view of the test's own, at a views path
    with pytest.raises(WriteOutsideServices, match="save of Factory from .*views/pretend.py"):
        scope["view"](Factory.default())
    assert RequestFactory  # the guard needs no request: it reads the call stack
