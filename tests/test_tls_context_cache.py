"""The TLS context is built once per set of trust options and reused, never across options."""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path

import pytest

from connectors.net.deadline import Deadline
from connectors.net.tls import TlsOptions, handshake, shared_context
from connectors.net.tls_contexts import CONTEXTS, ContextCache, context_key
from tests.fake_server import FakeServer, silent, tls_server_context
from tests.pki import TestPki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return TestPki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    CONTEXTS.clear()


def test_the_same_trust_options_get_the_same_context() -> None:
    first = shared_context(TlsOptions())
    second = shared_context(TlsOptions())
    assert first is second


def test_different_trust_options_get_different_contexts(pki: TestPki) -> None:
    ca_pem = pki.ca_pem.read_text()
    contexts = {
        id(shared_context(TlsOptions())),
        id(shared_context(TlsOptions(check_hostname=False))),
        id(shared_context(TlsOptions(verify_chain=False, check_hostname=False))),
        id(shared_context(TlsOptions(ca_pem=ca_pem, use_system_store=False))),
    }
    assert len(contexts) == 4


def test_a_different_uploaded_ca_builds_a_new_context(pki: TestPki) -> None:
    ca_pem = pki.ca_pem.read_text()
    other_pem = pki.self_signed.cert_pem.read_text()
    first = shared_context(TlsOptions(ca_pem=ca_pem, use_system_store=False))
    again = shared_context(TlsOptions(ca_pem=ca_pem, use_system_store=False))
    other = shared_context(TlsOptions(ca_pem=other_pem, use_system_store=False))
    assert first is again
    assert other is not first


def test_the_key_changes_when_the_system_trust_store_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    store = tmp_path / "ca-certificates.crt"
    store.write_text("")
    paths = ssl.DefaultVerifyPaths(str(store), None, "", "", "", "")
    monkeypatch.setattr(ssl, "get_default_verify_paths", lambda: paths)
    before = context_key(verify_chain=True, check_hostname=True, use_system_store=True, ca_pem=None)
    os.utime(store, (1_000_000, 1_000_000))
    after = context_key(verify_chain=True, check_hostname=True, use_system_store=True, ca_pem=None)
    assert before != after


def test_the_cache_keeps_only_the_most_recently_used_contexts() -> None:
    cache = ContextCache(size=2)
    keys = [(True, True, True, str(n), ()) for n in range(3)]
    for key in keys:
        cache.get(key, lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
    assert len(cache) == 2
    cache.get(keys[0], lambda: ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
    assert cache.builds == 4


def test_a_ca_that_does_not_load_is_not_cached() -> None:
    options = TlsOptions(ca_pem="not a certificate", use_system_store=False)
    for _ in range(2):
        with pytest.raises(ssl.SSLError):
            shared_context(options)
    assert len(CONTEXTS) == 0


def test_threads_share_one_context_and_each_handshake_verifies(pki: TestPki) -> None:
    server_ctx = tls_server_context(str(pki.server.cert_pem), str(pki.server.key_pem))
    options = TlsOptions(ca_pem=pki.ca_pem.read_text(), use_system_store=False)
    verdicts: list[str] = []

    def connect(port: int) -> None:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        tls, result = handshake(sock, "127.0.0.1", options, Deadline(10))
        tls.close()
        verdicts.append(result.verification)

    with FakeServer(silent, tls=server_ctx) as server:
        threads = [threading.Thread(target=connect, args=(server.port,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    assert len(verdicts) == 4
    assert all("chain verified against the CA certificate uploaded" in v for v in verdicts)
    assert len(CONTEXTS) == 1
