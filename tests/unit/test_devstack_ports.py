"""The local stack's ports and probes: no two components given one port, and a probe passes only for the
kind of server it waits for (a CI run once had the SMTP server answer on the Cloud Tasks emulator's port)."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from devstack import tools


class _Greeter(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        try:
            self.request.sendall(b"220 test.invalid ESMTP ready\r\n")
            self.request.recv(64)
        except OSError:  # the probe hung up first: it read what it needed
            return


@pytest.fixture
def smtp_like() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer((tools.HOST, 0), _Greeter)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{tools.HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def grpc_server() -> Iterator[str]:
    server = grpc.server(ThreadPoolExecutor(max_workers=1))
    port = server.add_insecure_port(f"{tools.HOST}:0")
    server.start()
    try:
        yield f"{tools.HOST}:{port}"
    finally:
        server.stop(grace=None)


def test_a_port_the_kernel_offers_again_is_not_handed_out_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    offered = iter([41001, 41001, 41001, 41002])

    class KernelOfferingOnePortAgain:
        def __enter__(self) -> KernelOfferingOnePortAgain:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def bind(self, address: tuple[str, int]) -> None:
            self.port = next(offered)

        def getsockname(self) -> tuple[str, int]:
            return (tools.HOST, self.port)

    monkeypatch.setattr(tools, "_HANDED_OUT", set())
    monkeypatch.setattr(tools.socket, "socket", KernelOfferingOnePortAgain)
    assert [tools.free_port(), tools.free_port()] == [41001, 41002]


def test_real_free_ports_are_distinct_and_bindable() -> None:
    ports = [tools.free_port() for _ in range(50)]
    assert len(set(ports)) == 50
    with socket.socket() as s:
        s.bind((tools.HOST, ports[-1]))


def test_the_grpc_probe_passes_for_an_http2_server_only(grpc_server: str, smtp_like: str) -> None:
    assert tools.grpc_ok(grpc_server)
    assert not tools.grpc_ok(smtp_like)


def test_the_smtp_probe_passes_for_a_greeting_only(grpc_server: str, smtp_like: str) -> None:
    assert tools.smtp_ok(smtp_like)
    assert not tools.smtp_ok(grpc_server)


def test_no_probe_passes_where_nothing_listens() -> None:
    port = tools.free_port()
    assert not tools.grpc_ok(f"{tools.HOST}:{port}")
    assert not tools.smtp_ok(f"{tools.HOST}:{port}")
    assert not tools.tcp_ok(f"{tools.HOST}:{port}")
