from __future__ import annotations

import ssl
import threading
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from _hook_receiver import Receiver
from standardwebhooks import Webhook

from chorus.webhooks.sender import MAX_RESPONSE_BYTES, deliver, encode_body
from chorus.webhooks.signing import generate_secret, sign
from chorus.webhooks.transport import USER_AGENT, make_hook_client
from chorus.webhooks.urlguard import check_hook_url

TASK = {"code": "success", "message": "", "data": {"task_id": "t-9", "status": "QUEUED"}}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_hook_client(allow_private=True) as c:
        yield c


def _signed(body: bytes) -> tuple[str, dict[str, str]]:
    secret = generate_secret()
    return secret, sign(secret, "msg_sender", int(time.time()), body)


async def test_2xx_is_delivered_and_verifiable(
    receiver: Receiver, client: httpx.AsyncClient
) -> None:
    body = encode_body(TASK)
    secret, headers = _signed(body)
    outcome = await deliver(client, receiver.url("/ok"), body, headers, timeout_s=5)
    assert outcome.ok
    assert outcome.status_code == 200
    assert outcome.error == ""
    assert outcome.response_excerpt == '{"received": true}'
    assert 0 < outcome.duration_s < 5
    [got] = receiver.requests
    assert got.body == body
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["User-Agent"] == USER_AGENT
    assert Webhook(secret).verify(got.body, got.headers) == TASK

    accepted = await deliver(client, receiver.url("/accepted"), body, headers, timeout_s=5)
    assert accepted.ok
    assert accepted.status_code == 202


@pytest.mark.parametrize(("path", "status"), [("/fail", 500), ("/missing", 404)])
async def test_error_status_is_a_failure(
    receiver: Receiver, client: httpx.AsyncClient, path: str, status: int
) -> None:
    outcome = await deliver(client, receiver.url(path), b"{}", {}, timeout_s=5)
    assert not outcome.ok
    assert outcome.status_code == status
    assert outcome.error == f"HTTP {status}"
    assert outcome.response_excerpt in {"receiver exploded", "no such hook"}


async def test_slow_receiver_times_out(receiver: Receiver, client: httpx.AsyncClient) -> None:
    outcome = await deliver(client, receiver.url("/slow"), b"{}", {}, timeout_s=0.5)
    assert not outcome.ok
    assert outcome.status_code is None
    assert "timed out" in outcome.error
    assert 0.4 < outcome.duration_s < 3


async def test_dripping_answer_cannot_outlast_the_deadline(
    receiver: Receiver, client: httpx.AsyncClient
) -> None:
    # Each chunk comes well within the read timeout; only the overall deadline stops it.
    outcome = await deliver(client, receiver.url("/drip"), b"{}", {}, timeout_s=0.8)
    assert not outcome.ok
    assert outcome.status_code == 200
    assert "timed out" in outcome.error
    assert outcome.duration_s < 3
    assert 0 < len(outcome.response_excerpt) <= MAX_RESPONSE_BYTES


async def test_redirect_is_not_followed(receiver: Receiver, client: httpx.AsyncClient) -> None:
    outcome = await deliver(client, receiver.url("/redirect"), b"{}", {}, timeout_s=5)
    assert not outcome.ok
    assert outcome.status_code == 302
    assert "redirect" in outcome.error
    assert receiver.url("/ok") in outcome.error
    assert receiver.paths() == ["/redirect"]


async def test_redirect_not_followed_even_by_a_following_client(receiver: Receiver) -> None:
    async with httpx.AsyncClient(follow_redirects=True) as following:
        outcome = await deliver(following, receiver.url("/redirect"), b"{}", {}, timeout_s=5)
    assert outcome.status_code == 302
    assert receiver.paths() == ["/redirect"]


async def test_connection_refused(refused_url: str, client: httpx.AsyncClient) -> None:
    outcome = await deliver(client, refused_url, b"{}", {}, timeout_s=5)
    assert not outcome.ok
    assert outcome.status_code is None
    assert outcome.error.startswith("connection failed")


async def test_huge_answer_is_capped(receiver: Receiver, client: httpx.AsyncClient) -> None:
    started = time.monotonic()
    outcome = await deliver(client, receiver.url("/huge"), b"{}", {}, timeout_s=5)
    assert outcome.ok
    assert outcome.status_code == 200
    assert len(outcome.response_excerpt) == MAX_RESPONSE_BYTES
    assert set(outcome.response_excerpt) == {"x"}
    assert time.monotonic() - started < 2


async def test_guarded_client_refuses_loopback_at_connect_time(receiver: Receiver) -> None:
    async with make_hook_client(allow_private=False) as guarded:
        outcome = await deliver(guarded, receiver.url("/ok"), b"{}", {}, timeout_s=5)
    assert not outcome.ok
    assert outcome.status_code is None
    assert "loopback" in outcome.error
    assert receiver.requests == []


async def test_dns_rebinding_is_caught_at_send_time(receiver: Receiver) -> None:
    # The name is public when the hook is accepted and loopback when it is called.
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    def rebinding(host: str) -> list[str]:
        return next(answers)

    url = f"http://rebind.example:{receiver.port}/ok"
    check_hook_url(url, allow_private=False, resolver=rebinding)
    async with make_hook_client(allow_private=False, resolver=rebinding) as guarded:
        outcome = await deliver(guarded, url, b"{}", {}, timeout_s=5)
    assert not outcome.ok
    assert "rebind.example" in outcome.error
    assert "loopback" in outcome.error
    assert receiver.requests == []


async def test_connects_to_the_checked_address_keeping_the_host_name(receiver: Receiver) -> None:
    resolved: list[str] = []

    def table(host: str) -> list[str]:
        resolved.append(host)
        return ["127.0.0.1"]

    async with make_hook_client(allow_private=True, resolver=table) as c:
        url = f"http://hooks.example:{receiver.port}/ok"
        outcome = await deliver(c, url, b"{}", {}, timeout_s=5)
    assert outcome.ok
    assert resolved == ["hooks.example"]
    assert receiver.requests[0].headers["Host"] == f"hooks.example:{receiver.port}"


async def test_odd_encoding_is_resolved_and_refused_by_the_client(receiver: Receiver) -> None:
    async with make_hook_client(allow_private=False) as guarded:
        outcome = await deliver(
            guarded, f"http://2130706433:{receiver.port}/ok", b"{}", {}, timeout_s=5
        )
    assert not outcome.ok
    assert "127.0.0.1 is loopback" in outcome.error
    assert receiver.requests == []


def test_encode_body_is_compact_utf8() -> None:
    body = encode_body({"title": "Été", "n": [1, 2]})
    assert body == '{"title":"Été","n":[1,2]}'.encode()


async def test_hung_dns_lookup_is_abandoned_at_the_deadline(receiver: Receiver) -> None:
    release = threading.Event()

    def hangs(host: str) -> list[str]:
        release.wait(5)
        return ["127.0.0.1"]

    try:
        async with make_hook_client(allow_private=True, resolver=hangs) as c:
            outcome = await deliver(
                c, f"http://slow-dns.example:{receiver.port}/ok", b"{}", {}, timeout_s=0.5
            )
    finally:
        release.set()
    assert not outcome.ok
    assert "timed out" in outcome.error
    assert outcome.duration_s < 2
    assert receiver.requests == []


async def test_url_httpx_cannot_parse_is_a_failed_outcome(client: httpx.AsyncClient) -> None:
    outcome = await deliver(client, "http://exa mple.com:99999/", b"{}", {}, timeout_s=1)
    assert not outcome.ok
    assert outcome.status_code is None
    assert outcome.error


def _to_loopback(host: str) -> list[str]:
    return ["127.0.0.1"]


async def test_tls_is_verified_against_the_host_name_not_the_ip(
    tls_receiver: Receiver, client_trust: ssl.SSLContext
) -> None:
    async with make_hook_client(
        allow_private=True, resolver=_to_loopback, verify=client_trust
    ) as c:
        url = f"https://hooks.example:{tls_receiver.port}/ok"
        outcome = await deliver(c, url, b"{}", {}, timeout_s=5)
    assert outcome.ok, outcome.error
    assert tls_receiver.sni == ["hooks.example"]
    assert tls_receiver.requests[0].headers["Host"] == f"hooks.example:{tls_receiver.port}"


async def test_tls_certificate_for_another_name_is_refused(
    tls_receiver: Receiver, client_trust: ssl.SSLContext
) -> None:
    async with make_hook_client(
        allow_private=True, resolver=_to_loopback, verify=client_trust
    ) as c:
        url = f"https://impostor.example:{tls_receiver.port}/ok"
        outcome = await deliver(c, url, b"{}", {}, timeout_s=5)
    assert not outcome.ok
    assert "certificate" in outcome.error.lower() or "hostname" in outcome.error.lower()
    assert tls_receiver.requests == []
