"""Protocol-neutral network primitives shared by every connector's client and diagnostics.

``endpoint`` resolves a host once under the address policy (:mod:`connectors.net_policy`)
and connects to exactly an allowed address; ``deadline`` is the overall time budget of one
operation; ``deadline_socket`` bounds every read and write by it; ``tls`` builds (and
``tls_contexts`` caches) client TLS contexts, runs handshakes and describes certificates;
``errors`` are the failures all of them raise. Nothing here knows a wire protocol.
"""
