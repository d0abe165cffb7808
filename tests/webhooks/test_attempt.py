from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from _hook_receiver import Receiver
from standardwebhooks import Webhook

from chorus.webhooks.attempt import DeliveryJob, attempt
from chorus.webhooks.retry import RetryPolicy
from chorus.webhooks.sender import encode_body
from chorus.webhooks.signing import generate_secret

BODY = encode_body({"code": "success", "data": {"task_id": "t-1", "status": "IN_PROGRESS"}})


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as c:
        yield c


async def test_delivered_attempt_is_signed_and_final(
    receiver: Receiver, client: httpx.AsyncClient
) -> None:
    secret = generate_secret()
    job = DeliveryJob("msg_abc", receiver.url("/ok"), BODY)
    result = await attempt(client, job, secret=secret, policy=RetryPolicy(), timeout_s=5)
    assert result.state == "delivered"
    assert result.outcome.ok
    assert result.attempts == 1
    assert result.next_attempt_at is None
    assert result.first_attempt_at == result.attempted_at
    [got] = receiver.requests
    assert got.headers["webhook-id"] == "msg_abc"
    assert Webhook(secret).verify(got.body, got.headers)["data"]["status"] == "IN_PROGRESS"


async def test_failed_attempt_is_rescheduled_with_the_same_message_id(
    receiver: Receiver, client: httpx.AsyncClient
) -> None:
    secret = generate_secret()
    policy = RetryPolicy(jitter=0)
    job = DeliveryJob("msg_retry", receiver.url("/fail"), BODY)
    first = await attempt(client, job, secret=secret, policy=policy, timeout_s=5)
    assert first.state == "pending"
    assert first.outcome.status_code == 500
    assert first.next_attempt_at is not None
    assert first.next_attempt_at - first.attempted_at == pytest.approx(policy.base_s, abs=0.5)

    again = DeliveryJob(job.msg_id, job.url, job.body, first.attempts, first.first_attempt_at)
    second = await attempt(client, again, secret=secret, policy=policy, timeout_s=5)
    assert second.attempts == 2
    assert second.first_attempt_at == first.first_attempt_at
    assert second.next_attempt_at is not None
    assert second.next_attempt_at - second.attempted_at == pytest.approx(
        policy.base_s * policy.factor, abs=0.5
    )
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert ids == {"msg_retry"}
    for r in receiver.requests:
        Webhook(secret).verify(r.body, r.headers)


async def test_gives_up_after_max_age(receiver: Receiver, client: httpx.AsyncClient) -> None:
    policy = RetryPolicy(max_age_s=60, rng=random.Random(1))
    long_ago = time.time() - 61
    job = DeliveryJob("msg_old", receiver.url("/fail"), BODY, 9, long_ago)
    result = await attempt(client, job, secret=generate_secret(), policy=policy, timeout_s=5)
    assert result.state == "gave_up"
    assert result.next_attempt_at is None
    assert result.attempts == 10
    assert result.first_attempt_at == long_ago
