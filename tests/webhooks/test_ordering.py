from __future__ import annotations

import random

import pytest

from chorus.webhooks.ordering import (
    Pending,
    plan,
    should_send,
    status_rank,
)

PATH = ["SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS"]


def test_ranks_follow_the_task_lifecycle() -> None:
    ranks = [status_rank(s) for s in PATH]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)
    assert status_rank("FAILURE") == status_rank("SUCCESS")
    assert status_rank("NOT_START") < status_rank("SUBMITTED")
    with pytest.raises(ValueError, match="DONE"):
        status_rank("DONE")


def test_should_send() -> None:
    assert should_send(1, None)
    assert should_send(3, 2)
    assert not should_send(2, 2)
    assert not should_send(1, 2)


def test_newest_pending_supersedes_older() -> None:
    pending = [Pending("d1", 1), Pending("d3", 3), Pending("d2", 2)]
    decision = plan(pending, None, in_flight=False)
    assert decision.send == Pending("d3", 3)
    assert sorted(p.id for p in decision.superseded) == ["d1", "d2"]


def test_nothing_sent_while_one_is_in_flight() -> None:
    decision = plan([Pending("d2", 2), Pending("d3", 3)], 1, in_flight=True)
    assert decision.send is None
    assert decision.superseded == [Pending("d2", 2)]


def test_stale_deliveries_are_retired() -> None:
    decision = plan([Pending("d2", 2), Pending("d1", 1)], 2, in_flight=False)
    assert decision.send is None
    assert {p.id for p in decision.superseded} == {"d1", "d2"}
    assert plan([], 5, in_flight=False).send is None


@pytest.mark.parametrize("seed", range(20))
def test_simulated_flaky_receiver_never_sees_an_older_status(seed: int) -> None:
    """A task moves through its statuses while a flaky receiver accepts some attempts;
    whatever the interleaving, versions arrive strictly increasing and the last one lands."""
    rng = random.Random(seed)
    pending: list[Pending] = []
    received: list[int] = []
    last_sent: int | None = None
    version = 0
    steps = 0
    while version < len(PATH) or pending:
        steps += 1
        assert steps < 10_000
        if version < len(PATH) and rng.random() < 0.4:
            version += 1
            pending.append(Pending(f"d{version}", version))
            continue
        decision = plan(pending, last_sent, in_flight=False)
        retired = {p.id for p in decision.superseded}
        pending = [p for p in pending if p.id not in retired]
        if decision.send is not None and rng.random() < 0.5:  # the receiver answered 2xx
            received.append(decision.send.version)
            last_sent = decision.send.version
            pending.remove(decision.send)
    assert received == sorted(set(received))
    assert received[-1] == len(PATH)
