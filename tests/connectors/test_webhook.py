"""A webhook's JSON POST (connectors.net.webhook) to real HTTP and HTTPS servers on
127.0.0.1: delivered over verified TLS, refused by the network policy before any
connection, not delivered on an untrusted certificate, an error status or a redirect; no
message repeats the URL's path, where a webhook keeps its token."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from connectors.net.webhook import WebhookError, post_json
from connectors.net_policy import AddressPolicy
from tests.pki import TestPki

LOOPBACK = AddressPolicy(allow_loopback=True)
PATH = "/hooks/t0ken"


class Server:
    """An HTTP(S) server on 127.0.0.1 that keeps what it is sent and answers ``status``."""

    def __init__(self, status: int = 204, tls: ssl.SSLContext | None = None) -> None:
        self.received: list[tuple[str, str, Any]] = []
        self.status = status
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.received.append((self.path, self.headers["Content-Type"], json.loads(body)))
                self.send_response(server.status)
                if server.status == 302:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.http.socket = tls.wrap_socket(self.http.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.http.server_address[1]}{PATH}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def tls_server(pki: TestPki) -> Iterator[Server]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server.cert_pem, pki.server.key_pem)
    server = Server(tls=context)
    yield server
    server.close()


def post(url: str, policy: AddressPolicy = LOOPBACK) -> int:
    return post_json(url, {"changes": ["ü"]}, policy=policy, connect_timeout=5, deadline_s=20)


def test_a_webhook_over_https_gets_the_json_when_its_certificate_is_trusted(
    tls_server: Server, pki: TestPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca_pem))  # as an operator trusts a private CA
    assert post(tls_server.url) == 204
    assert tls_server.received == [(PATH, "application/json", {"changes": ["ü"]})]


def test_a_webhook_whose_certificate_is_not_trusted_is_not_told(
    tls_server: Server, pki: TestPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.self_signed.cert_pem))  # not its issuer
    with pytest.raises(WebhookError, match="CERTIFICATE_VERIFY_FAILED") as refused:
        post(tls_server.url)
    assert "t0ken" not in str(refused.value)
    assert tls_server.received == []


def test_the_network_policy_refuses_a_webhook_before_connecting() -> None:
    server = Server()
    try:
        with pytest.raises(WebhookError, match="network policy") as refused:
            post(server.url, AddressPolicy(allow_loopback=False))
        assert str(refused.value).startswith("http://127.0.0.1:")
        assert "t0ken" not in str(refused.value)
        assert server.received == []
    finally:
        server.close()


@pytest.mark.parametrize("status", [500, 302])
def test_an_error_status_or_a_redirect_is_not_delivered(status: int) -> None:
    server = Server(status=status)
    try:
        with pytest.raises(WebhookError, match=f"answered HTTP {status}") as refused:
            post(server.url)
        assert "t0ken" not in str(refused.value)
        assert len(server.received) == 1  # once: the redirect not followed
    finally:
        server.close()


def test_a_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(WebhookError, match="must be http"):
        post("ftp://127.0.0.1/hook")
