"""POST a JSON document to a webhook's URL through the network policy.

The host is resolved once and each address checked against the policy (as every call to a
user's server is, :mod:`connectors.net.endpoint`); the request goes to an allowed address,
over TLS for ``https`` (the system's CA certificates, the URL's host name checked), within
one deadline. Redirects are not followed. Errors never repeat the URL: its path or query
may hold the webhook's token.
"""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.parse
from typing import Any

from connectors.net.deadline import Deadline
from connectors.net.endpoint import ResolutionError, connect_first, resolve_allowed
from connectors.net.errors import ConnectTimeout, DeadlineExceeded
from connectors.net_policy import AddressCheck

MAX_RESPONSE_BYTES = 65_536


class WebhookError(Exception):
    """The document was not delivered: why, without the URL."""


def where(url: str) -> str:
    """What a message may say of a webhook's URL: its scheme, host and port."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or '?'}{port}"


def post_json(
    url: str,
    document: Any,
    *,
    policy: AddressCheck,
    connect_timeout: float,
    deadline_s: float,
) -> int:
    """POST ``document`` as JSON to ``url``; its HTTP status (2xx), else
    :class:`WebhookError`."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookError("the webhook's URL has no valid port") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError("the webhook's URL must be http:// or https:// with a host")
    host = parts.hostname
    deadline = Deadline(deadline_s)
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        resolution = resolve_allowed(host, port, policy=policy, deadline=deadline)
        sock, _ = connect_first(
            resolution, port, connect_timeout=connect_timeout, deadline=deadline
        )
        if parts.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        sock.settimeout(deadline.io_timeout(waiting_for=where(url)))
        connection = http.client.HTTPConnection(host, port)
        connection.sock = sock  # connected above, to an address the policy allows
        try:
            connection.request(
                "POST",
                path,
                body,
                {"Content-Type": "application/json", "User-Agent": "Linkwright"},
            )
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)
        finally:
            connection.close()
    except ResolutionError as exc:
        raise WebhookError(f"{where(url)}: {exc}") from None
    except (OSError, ConnectTimeout, DeadlineExceeded, http.client.HTTPException) as exc:
        raise WebhookError(f"{where(url)}: {type(exc).__name__}: {exc}") from None
    if not 200 <= response.status < 300:
        raise WebhookError(f"{where(url)} answered HTTP {response.status}")
    return response.status
