from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from chorus.webhooks.signing import (
    WebhookSignatureError,
    generate_secret,
    secret_key,
    sign,
    verify,
)

PAYLOAD = {"code": "success", "message": "", "data": {"task_id": "t-1", "status": "SUCCESS"}}


def _body(payload: object = PAYLOAD) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.parametrize("nbytes", [24, 32, 64])
def test_secret_shape(nbytes: int) -> None:
    secret = generate_secret(nbytes)
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == nbytes
    assert secret_key(secret) == base64.b64decode(secret.removeprefix("whsec_"))


def test_secrets_are_random() -> None:
    assert len({generate_secret() for _ in range(200)}) == 200


@pytest.mark.parametrize("nbytes", [0, 16, 23, 65])
def test_secret_size_bounds(nbytes: int) -> None:
    with pytest.raises(ValueError):
        generate_secret(nbytes)


@pytest.mark.parametrize("bad", ["", "abc", "whsec_", "whsec_!!!not-base64", "whsec_c2hvcnQ="])
def test_malformed_secrets_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        sign(bad, "msg_1", int(time.time()), b"{}")


@pytest.mark.parametrize(
    "payload",
    [PAYLOAD, {"text": "déjà vu — 夜の歌 🎵"}, [], {"nested": {"list": [1, 2.5, None, True]}}],
)
def test_standardwebhooks_library_verifies_our_signature(payload: object) -> None:
    secret = generate_secret()
    body = _body(payload)
    headers = sign(secret, "msg_2f1c", int(time.time()), body)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert Webhook(secret).verify(body, headers) == payload
    verify(secret, headers, body)


def test_we_verify_the_library_signature() -> None:
    secret = generate_secret()
    body = _body()
    now = datetime.now(tz=UTC)
    library_sig = Webhook(secret).sign("msg_lib", now, body.decode())
    headers = {
        "Webhook-Id": "msg_lib",
        "Webhook-Timestamp": str(int(now.timestamp())),
        "Webhook-Signature": library_sig,
    }
    verify(secret, headers, body)
    assert library_sig == sign(secret, "msg_lib", int(now.timestamp()), body)["webhook-signature"]


def test_tampering_is_caught_by_both() -> None:
    secret = generate_secret()
    body = _body()
    headers = sign(secret, "msg_x", int(time.time()), body)
    tampered = body.replace(b"SUCCESS", b"FAILURE")
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, headers)
    with pytest.raises(WebhookSignatureError):
        verify(secret, headers, tampered)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(body, headers)
    with pytest.raises(WebhookSignatureError):
        verify(generate_secret(), headers, body)
    with pytest.raises(WebhookSignatureError):
        verify(secret, {**headers, "webhook-id": "msg_y"}, body)


def test_timestamp_tolerance() -> None:
    secret = generate_secret()
    body = _body()
    signed_at = 1_700_000_000
    headers = sign(secret, "msg_t", signed_at, body)
    verify(secret, headers, body, now=signed_at + 299)
    verify(secret, headers, body, now=signed_at - 299)
    for skew in (301, -301, 86_400):
        with pytest.raises(WebhookSignatureError, match="tolerance"):
            verify(secret, headers, body, now=signed_at + skew)
    verify(secret, headers, body, now=signed_at + 3000, tolerance_s=3600)
    # The library uses the wall clock: a timestamp from 2023 is too old for it.
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_any_of_several_signatures_may_match() -> None:
    old, new = generate_secret(), generate_secret()
    body = _body()
    ts = int(time.time())
    both = sign(old, "msg_r", ts, body)["webhook-signature"] + " "
    both += sign(new, "msg_r", ts, body)["webhook-signature"]
    headers = {"webhook-id": "msg_r", "webhook-timestamp": str(ts), "webhook-signature": both}
    verify(old, headers, body)
    verify(new, headers, body)
    Webhook(new).verify(body, headers)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"webhook-id": "m", "webhook-timestamp": "1"},
        {"webhook-id": "m", "webhook-timestamp": "soon", "webhook-signature": "v1,AAAA"},
    ],
)
def test_missing_or_broken_headers(headers: dict[str, str]) -> None:
    with pytest.raises(WebhookSignatureError) as info:
        verify(generate_secret(), headers, b"{}")
    assert info.value.status_code == 400


@pytest.mark.parametrize("msg_id", ["", "a.b", "a b", "a,b"])
def test_message_ids_that_would_break_the_signed_string(msg_id: str) -> None:
    with pytest.raises(ValueError):
        sign(generate_secret(), msg_id, int(time.time()), b"{}")
