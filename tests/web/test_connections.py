"""How the room's server talks TCP: every answer leaves at once.

A page goes out as two writes (its head, then its body). Without TCP_NODELAY the
kernel holds the body until the phone acknowledges the head, and a phone delays
that acknowledgement by up to 40 ms: every page and every search-as-you-type answer
would wait for it (measured: 44 ms for each request of a sequence, 3 ms with it)."""

from __future__ import annotations

import socket

from kbtui.web.server import RoomServer


def _connections_nodelay(server: RoomServer, port: int) -> list[int]:
    """TCP_NODELAY of the server's side of every open connection, after one request
    on a kept-alive connection of our own."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 ")
        uvicorn_server = server._server
        assert uvicorn_server is not None
        return [
            connection.transport.get_extra_info("socket").getsockopt(
                socket.IPPROTO_TCP, socket.TCP_NODELAY
            )
            for connection in list(uvicorn_server.server_state.connections)
        ]


def test_kbtui_serve_sends_each_answer_without_waiting_for_an_ack(server: RoomServer) -> None:
    flags = _connections_nodelay(server, server.port)
    assert flags and all(flags), flags
