"""Fixtures: a real hook receiver on loopback, and a port where nothing listens."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer

import pytest
import trustme
from _hook_receiver import Receiver, handler_for


@contextmanager
def _serve(tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(Receiver("", 0)))
    server.daemon_threads = True
    port = server.server_address[1]
    rec = Receiver(f"{'https' if tls else 'http'}://127.0.0.1:{port}", port)
    server.RequestHandlerClass = handler_for(rec)
    if tls is not None:
        tls.sni_callback = lambda _sock, name, _ctx: rec.sni.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        rec.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with _serve() as rec:
        yield rec


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_receiver(ca: trustme.CA) -> Iterator[Receiver]:
    """An HTTPS receiver whose certificate names ``hooks.example`` only."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("hooks.example").configure_cert(context)
    with _serve(context) as rec:
        yield rec


@pytest.fixture
def client_trust(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def refused_url() -> str:
    """A loopback URL where nothing listens: the port was bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/ok"
