"""A 1.0 trustedCertPath is a file on the integration runtime: the portal never opens it.

Whatever the path names on the portal's machine (a readable file, a directory, nothing),
the test answers the same; a CA certificate uploaded for the test stands in for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.hiveserver2.diagnostics import Stage, StageStatus, TestReport
from connectors.spark.settings import ClientLimits
from tests.fake_server import FakeServer, silent, tls_server_context
from tests.helpers import assert_failed_at, report_text, run
from tests.pki import TestPki

_watched: set[str] = set()
_touched: list[tuple[str, str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _watched and event in ("open", "os.listdir", "os.scandir") and args:
        path = os.fsdecode(args[0]) if isinstance(args[0], str | bytes | os.PathLike) else ""
        if path in _watched:
            _touched.append((event, path))


sys.addaudithook(_audit)  # audit hooks cannot be removed; it is idle unless paths are watched


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Paths that must not be opened, listed or stat-ed while the test runs."""
    for name in ("stat", "lstat", "access"):
        real = getattr(os, name)

        def spy(path: Any, *args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            if isinstance(path, str | os.PathLike) and os.fspath(path) in _watched:
                _touched.append((_name, os.fspath(path)))
            return _real(path, *args, **kw)

        monkeypatch.setattr(os, name, spy)
    _touched.clear()
    yield _watched
    _watched.clear()


def tls_run(pki: TestPki, port: int, **type_properties: Any) -> TestReport:
    return run(
        port,
        host="localhost",
        enableSsl=True,
        thriftTransportProtocol="HTTP",
        authenticationType="Anonymous",
        limits=ClientLimits(deadline_s=5),
        **type_properties,
    )


def test_passwd_a_directory_and_a_missing_file_give_the_same_answer_unopened(
    pki: TestPki, tmp_path: Path, watch: set[str]
) -> None:
    paths = ["/etc/passwd", str(tmp_path), str(tmp_path / "missing.pem")]
    watch.update(paths)
    ctx = tls_server_context(str(pki.server.cert_pem), str(pki.server.key_pem))
    with FakeServer(silent, tls=ctx) as server:
        texts = {report_text(tls_run(pki, server.port, trustedCertPath=p)) for p in paths}
    assert len(texts) == 1, texts
    (text,) = texts
    assert "TLS handshake: failed" in text
    assert "file on the self-hosted integration runtime, which this portal never reads" in text
    assert "Upload the CA certificate in that file (PEM) with the test" in text
    assert not any(p in text for p in paths)
    assert _touched == []


def test_an_uploaded_ca_stands_in_for_trusted_cert_path(pki: TestPki, watch: set[str]) -> None:
    watch.add("/etc/passwd")
    ctx = tls_server_context(str(pki.server.cert_pem), str(pki.server.key_pem))
    with FakeServer(silent, tls=ctx) as server:
        report = tls_run(
            pki, server.port, trustedCertPath="/etc/passwd", ca_certificate=pki.ca_pem.read_text()
        )
    tls = report.stage(Stage.TLS)
    assert tls.status == StageStatus.PASSED, report_text(report)
    assert "chain verified against the CA certificate uploaded for this test" in tls.detail
    assert _touched == []


def test_an_uploaded_ca_is_not_used_where_the_runtime_would_not_use_it(pki: TestPki) -> None:
    ctx = tls_server_context(str(pki.server.cert_pem), str(pki.server.key_pem))
    with FakeServer(silent, tls=ctx) as server:
        report = tls_run(pki, server.port, ca_certificate=pki.ca_pem.read_text())
    failure = assert_failed_at(report, Stage.TLS)
    assert "not signed by a CA trusted by the system trust store" in failure.observed
    assert "the uploaded CA certificate was not used: the definition names no trustedCertPath" in (
        failure.detail
    )
