"""Every error answers the contract's shape {"code", "message", "data": null} with a
fitting HTTP status; FastAPI's 422 never leaks."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from live_server import LiveServer


@pytest.fixture(scope="module")
def key(server: LiveServer) -> str:
    return server.new_key("errors")


def contract_error(answer: object, status: int, code: str | None = None) -> dict[str, object]:
    import httpx

    assert isinstance(answer, httpx.Response)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"code", "message", "data"} and body["data"] is None
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["code"] == code
    return dict(body)


def test_unknown_task_and_routes(server: LiveServer, key: str) -> None:
    with server.client(key) as client:
        contract_error(client.get("/suno/fetch/no-such-task"), 404, "task_not_exist")
        contract_error(client.get("/nowhere"), 404, "not_found")
        contract_error(client.delete("/suno/fetch/x"), 405, "method_not_allowed")
        contract_error(client.get("/suno/submit/music"), 405)
        contract_error(client.get("/media/not-a-clip/audio.mp3"), 404)
        contract_error(client.get("/media/not-a-clip/stream.mp3"), 404)


@pytest.mark.parametrize(
    ("content", "headers", "message_start"),
    [
        (b"{not json", {"content-type": "application/json"}, "body:"),
        (b"[1, 2]", {"content-type": "application/json"}, "body"),
        (b"", {"content-type": "application/json"}, "body:"),
        (b'{"prompt": NaN, "tags": "x"}', {"content-type": "application/json"}, "prompt"),
        (
            b'{"tags": "x", "continue_at": 1e999}',
            {"content-type": "application/json"},
            "continue_at",
        ),
        (b'{"gpt_description_prompt": "\\ud800"}', {"content-type": "application/json"}, ""),
    ],
)
def test_bad_bodies_are_400_never_422(
    server: LiveServer, key: str, content: bytes, headers: dict[str, str], message_start: str
) -> None:
    with server.client(key) as client:
        answer = client.post("/suno/submit/music", content=content, headers=headers)
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 400:
        body = contract_error(answer, 400, "invalid_request")
        assert str(body["message"]).startswith(message_start)


def test_oversized_body_by_content_length(server: LiveServer, key: str) -> None:
    with server.client(key) as client:
        answer = client.post("/suno/submit/music", json={"prompt": "x" * 300_000})
    contract_error(answer, 413, "request_too_large")


def _chunks() -> Iterator[bytes]:
    yield b'{"prompt": "'
    for _ in range(40):
        yield b"y" * 10_000
    yield b'"}'


def test_oversized_chunked_body(server: LiveServer, key: str) -> None:
    with server.client(key) as client:
        answer = client.post(
            "/suno/submit/music", content=_chunks(), headers={"content-type": "application/json"}
        )
    contract_error(answer, 413, "request_too_large")


def test_lying_content_length_does_not_break_the_server(server: LiveServer, key: str) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            b"POST /suno/submit/lyrics HTTP/1.1\r\nHost: x\r\nAuthorization: "
            + key.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\n\r\n{}"
        )
        head = sock.recv(200)
    assert head.startswith(b"HTTP/1.1 413")
    with server.client(key) as client:
        assert client.post("/suno/fetch", json={"ids": []}).status_code == 200
