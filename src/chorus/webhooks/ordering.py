"""Never send an older status after a newer one.

Every status change of a task bumps the task's ``version`` (1, 2, 3...) and, when the task
has a ``notify_hook``, creates one delivery carrying that version and a snapshot of the
task. Order is by version, not by status rank: a task requeued after a crash goes from
IN_PROGRESS back to QUEUED, and that is newer news than the IN_PROGRESS before it. The
rules, per task:

1. at most one delivery of a task is in flight at a time (a lease on the row), so two
   attempts never race each other to the receiver;
2. of the task's pending deliveries only the newest is sent; older pending ones are marked
   superseded (the newest already says everything they would have said);
3. a delivery whose version is not above the last version delivered is never sent.

Rule 2 means a receiver that was down during SUBMITTED, QUEUED and IN_PROGRESS gets one
callback with the latest state when it comes back, not three stale ones first.
:data:`STATUS_RANK` is the usual order of statuses, for display and sanity checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Task statuses in the order a task usually moves through them; SUCCESS and FAILURE are
# final. A requeue after a crash moves a task back from IN_PROGRESS to QUEUED.
STATUS_RANK: Mapping[str, int] = {
    "NOT_START": 0,
    "SUBMITTED": 1,
    "QUEUED": 2,
    "IN_PROGRESS": 3,
    "SUCCESS": 4,
    "FAILURE": 4,
}
FINAL_RANK = 4


def status_rank(status: str) -> int:
    """The rank of a task status; ``ValueError`` for a status the contract does not have."""
    try:
        return STATUS_RANK[status]
    except KeyError:
        raise ValueError(f"unknown task status {status!r}") from None


def should_send(delivery_version: int, last_sent_version: int | None) -> bool:
    """Whether a delivery may still go out given the last version the hook received."""
    return last_sent_version is None or delivery_version > last_sent_version


@dataclass(frozen=True, slots=True)
class Pending:
    """A delivery waiting to be sent: its row id and the task version it carries."""

    id: str
    version: int


@dataclass(frozen=True, slots=True)
class SendPlan:
    """What to do with one task's pending deliveries now."""

    send: Pending | None
    superseded: list[Pending] = field(default_factory=list)


def plan(pending: Sequence[Pending], last_sent_version: int | None, *, in_flight: bool) -> SendPlan:
    """Decide, for one task, which pending delivery to send and which to retire.

    ``pending``: the task's deliveries neither delivered, given up nor superseded (the one in
    flight excluded); ``last_sent_version``: highest version delivered, None if none;
    ``in_flight``: whether an attempt for this task is under way now. Nothing is sent while
    one is in flight, but stale rows are still retired.
    """
    if not pending:
        return SendPlan(None)
    newest = max(pending, key=lambda p: p.version)
    superseded = [p for p in pending if p is not newest]
    if not should_send(newest.version, last_sent_version):
        return SendPlan(None, [*superseded, newest])
    return SendPlan(None if in_flight else newest, superseded)
