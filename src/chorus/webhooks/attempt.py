"""One attempt at one stored delivery: sign, send, decide what happens next.

The delivery loop loads a due row, calls :func:`attempt`, and writes the result back
(the attempt into the attempts log, the new state and next time into the delivery). No
database here, so the whole decision is testable against a real receiver.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import httpx

from chorus.webhooks.retry import RetryPolicy
from chorus.webhooks.sender import DeliveryOutcome, deliver
from chorus.webhooks.signing import sign

DeliveryState = Literal["pending", "delivered", "gave_up", "superseded"]


@dataclass(frozen=True, slots=True)
class DeliveryJob:
    """What a stored delivery row holds that an attempt needs.

    ``msg_id`` is the ``webhook-id``, the same for every attempt of this delivery;
    ``attempts`` counts attempts already made; ``first_attempt_at`` is unix seconds of the
    first one (None before it).
    """

    msg_id: str
    url: str
    body: bytes
    attempts: int = 0
    first_attempt_at: float | None = None


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What to store after an attempt: the outcome for the attempts log, and the
    delivery's new ``state``, ``attempts``, ``first_attempt_at`` and ``next_attempt_at``
    (None unless the state is still pending). Times are unix seconds."""

    outcome: DeliveryOutcome
    state: DeliveryState
    attempts: int
    attempted_at: float
    first_attempt_at: float
    next_attempt_at: float | None


async def attempt(
    client: httpx.AsyncClient,
    job: DeliveryJob,
    *,
    secret: str,
    policy: RetryPolicy,
    timeout_s: float,
    clock: Callable[[], float] = time.time,
) -> AttemptResult:
    """Sign ``job`` with the key's ``secret`` (fresh timestamp), deliver it once and say
    whether it is delivered, to be retried (and when) or given up."""
    attempted_at = clock()
    headers = sign(secret, job.msg_id, int(attempted_at), job.body)
    outcome = await deliver(client, job.url, job.body, headers, timeout_s)
    attempts = job.attempts + 1
    first = job.first_attempt_at if job.first_attempt_at is not None else attempted_at
    if outcome.ok:
        return AttemptResult(outcome, "delivered", attempts, attempted_at, first, None)
    next_at = policy.next_attempt(attempts, first, clock())
    state: DeliveryState = "pending" if next_at is not None else "gave_up"
    return AttemptResult(outcome, state, attempts, attempted_at, first, next_at)
