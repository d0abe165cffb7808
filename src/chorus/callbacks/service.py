"""The rules of deliveries: which to send now, what an attempt leaves behind, and the
admin's redeliver. Every function takes a session and never commits.

Per task, at most one attempt is in flight (a lease on the row, so a crashed process's
attempt is retried once the lease runs out), only the newest pending status is sent and
older pending ones are superseded, and a status is never sent after a newer one was
delivered (:func:`chorus.webhooks.ordering.plan`). A delivery the admin asked to send
again goes whatever was delivered since.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from chorus import runtime
from chorus.callbacks import repository
from chorus.callbacks.models import HookAttempt, HookDelivery
from chorus.exceptions import InvalidRequest, NotFound
from chorus.observability.metrics import Metrics
from chorus.webhooks import AttemptResult, DeliveryJob, Pending, generate_secret, plan

STATES = ("pending", "delivered", "gave_up", "superseded")


class DeliveryNotFound(NotFound):
    """No delivery has this id."""

    code = "delivery_not_exist"


@dataclass(frozen=True, slots=True)
class Claim:
    """A delivery leased for one attempt, with the secret that signs it."""

    job: DeliveryJob
    task_id: str
    secret: str


def _lease(session: Session, delivery: HookDelivery, now: float, lease_s: float) -> bool:
    # Compare-and-set, so two processes never both take the same row.
    result = session.execute(
        update(HookDelivery)
        .where(
            HookDelivery.id == delivery.id,
            HookDelivery.state == "pending",
            or_(HookDelivery.lease_until.is_(None), HookDelivery.lease_until <= now),
        )
        .values(lease_until=now + lease_s)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def _secret(session: Session, key_id: int) -> str:
    key = repository.key_secret(session, key_id)
    assert key is not None  # a delivery's key is never deleted
    if not key.webhook_secret:
        # Keys made before callbacks were signed get their secret at the first delivery.
        key.webhook_secret = generate_secret()
    return key.webhook_secret


def _supersede(session: Session, rows: list[HookDelivery]) -> None:
    for row in rows:
        row.state = "superseded"
        row.lease_until = None
    if rows:
        count = len(rows)

        def record(metrics: Metrics) -> None:
            for _ in range(count):
                metrics.observe_callback("superseded")

        runtime.observe(session, record)


def claim(session: Session, now: float, lease_s: float, limit: int = 50) -> list[Claim]:
    """Lease the deliveries to attempt now, at most one per task."""
    claims: list[Claim] = []
    due = repository.due_task_ids(session, now, limit)
    # One deciding transaction per task at a time, across delivery loops: the others skip
    # it and see its lease once this commits.
    held = repository.take_tasks(session, due)
    for task_id in due:
        if task_id not in held:
            continue
        rows = repository.pending_of(session, task_id)
        in_flight = any(r.lease_until is not None and r.lease_until > now for r in rows)
        free = [r for r in rows if r.lease_until is None or r.lease_until <= now]
        chosen: HookDelivery | None = None
        forced = [r for r in free if r.redeliver]
        if forced and not in_flight:
            chosen = forced[0]
        normal = [r for r in free if not r.redeliver]
        by_id = {r.id: r for r in normal}
        decision = plan(
            [Pending(r.id, r.version) for r in normal],
            repository.last_delivered_version(session, task_id),
            in_flight=in_flight or chosen is not None,
        )
        _supersede(session, [by_id[p.id] for p in decision.superseded])
        if chosen is None and decision.send is not None:
            chosen = by_id[decision.send.id]
        if chosen is None or chosen.next_attempt_at > now:
            continue
        if not _lease(session, chosen, now, lease_s):
            continue
        job = DeliveryJob(
            msg_id=chosen.id,
            url=chosen.url,
            body=chosen.body,
            attempts=chosen.attempts,
            first_attempt_at=chosen.first_attempt_at,
        )
        claims.append(Claim(job, task_id, _secret(session, chosen.key_id)))
    return claims


def record(session: Session, delivery_id: str, result: AttemptResult) -> None:
    """Store one attempt and the delivery's new state; release the lease."""
    delivery = repository.get(session, delivery_id)
    if delivery is None:
        return
    outcome = result.outcome
    repository.add_attempt(
        session,
        HookAttempt(
            delivery_id=delivery_id,
            attempted_at=result.attempted_at,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_s=outcome.duration_s,
            response_excerpt=outcome.response_excerpt,
        ),
    )
    delivery.attempts = result.attempts
    delivery.first_attempt_at = result.first_attempt_at
    delivery.lease_until = None
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    delivery.redeliver = False
    delivery.state = result.state
    if result.next_attempt_at is not None:
        delivery.next_attempt_at = result.next_attempt_at
    if result.state == "delivered":
        delivery.delivered_at = result.attempted_at
    label = "failed" if result.state == "pending" else result.state
    runtime.observe(session, lambda metrics: metrics.observe_callback(label))


def redeliver(session: Session, delivery_id: str) -> HookDelivery:
    """Send a delivery again, now, with a fresh retry window."""
    delivery = repository.get(session, delivery_id)
    if delivery is None:
        raise DeliveryNotFound(f"delivery_id: no delivery {delivery_id!r}")
    if delivery.lease_until is not None and delivery.lease_until > time.time():
        raise InvalidRequest(
            "delivery_id: an attempt of this delivery is under way", field="delivery_id"
        )
    delivery.state = "pending"
    delivery.redeliver = True
    delivery.first_attempt_at = None
    delivery.next_attempt_at = time.time()
    delivery.lease_until = None
    return delivery
