"""scripts/run-production.sh and the settings it relies on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "DJANGO_SECRET_KEY": "a-long-random-value-for-the-test-only",
    "DATABASE_URL": "postgres://linkwright@127.0.0.1:9/linkwright",
    "LINKWRIGHT_ALLOWED_HOSTS": "127.0.0.1",
}


def environment_without(name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env.update({k: v for k, v in REQUIRED.items() if k != name})
    return env


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_the_production_script_refuses_to_start_without_each_required_setting(
    missing: str,
) -> None:
    ran = subprocess.run(
        ["bash", "scripts/run-production.sh"],
        cwd=ROOT,
        env=environment_without(missing),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert ran.returncode != 0
    assert missing in ran.stderr


def settings_with(tmp_path: Path, **env: str) -> dict[str, object]:
    program = (
        "import json; from portal import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'origins': s.CSRF_TRUSTED_ORIGINS, "
        "'finders': getattr(s, 'WHITENOISE_USE_FINDERS', False), "
        "'static': getattr(s, 'STORAGES', {}).get('staticfiles', {}).get('BACKEND')}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LINKWRIGHT_")}
    ran = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env={**clean, "LINKWRIGHT_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(ran.stdout)
    return result


def test_production_serves_collected_static_files_and_trusts_the_configured_origins(
    tmp_path: Path,
) -> None:
    production = settings_with(
        tmp_path,
        LINKWRIGHT_STATIC_COLLECTED="1",
        LINKWRIGHT_CSRF_TRUSTED_ORIGINS="https://portal.example.com, https://other.example.com",
    )
    assert production == {
        "debug": False,
        "origins": ["https://portal.example.com", "https://other.example.com"],
        "finders": False,
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    }


def test_development_still_finds_static_files_without_collecting_them(tmp_path: Path) -> None:
    development = settings_with(tmp_path)
    assert development == {"debug": False, "origins": [], "finders": True, "static": None}
