"""Choosing channels by model, priority and weight; failing over along that order."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from chorus.channels.routing import ChannelInfo, Health, NoChannel, candidates, failover
from chorus.channels.upstream import UpstreamRefused, UpstreamRejected, UpstreamUnavailable


def channel(name: str, priority: int = 0, weight: int = 1, **fields: object) -> ChannelInfo:
    values: dict[str, object] = dict(
        name=name, kind="relay", base_url="http://x", secret="", models=(),
        priority=priority, weight=weight, max_concurrency=0, enabled=True,
    )  # fmt: skip
    values.update(fields)
    return ChannelInfo(**values)  # type: ignore[arg-type]


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def order(channels: list[ChannelInfo], health: Health | None = None, **kw: object) -> list[str]:
    picked = candidates(
        channels, str(kw.get("action", "MUSIC")), str(kw.get("mv", "chirp-v4")),
        health=health or Health(), running=kw.get("running", {}),  # type: ignore[arg-type]
        rng=random.Random(7),
    )  # fmt: skip
    return [c.name for c in picked]


def test_priority_first_then_disabled_and_models_filtered() -> None:
    channels = [
        channel("low", priority=0),
        channel("high", priority=10),
        channel("off", priority=20, enabled=False),
        channel("v3only", priority=30, models=("chirp-v3-0",)),
        channel("lyrics", priority=40, models=("LYRICS",)),
    ]
    assert order(channels) == ["high", "low"]
    assert order(channels, mv="chirp-v3-0") == ["v3only", "high", "low"]
    assert order(channels, action="LYRICS") == ["lyrics", "high", "low"]


def test_concurrency_cap_and_open_breaker_and_rest_exclude() -> None:
    clock = Clock()
    health = Health(failures=1, reset_s=10, cooldown_s=60, clock=clock)
    channels = [channel("a", max_concurrency=2), channel("b"), channel("c")]
    assert "a" not in order(channels, health, running={"a": 2})
    health.breaker("b").failure()
    health.rest("c")
    assert order(channels, health) == ["a"]
    clock.now += 11
    assert sorted(order(channels, health)) == ["a", "b"]
    clock.now += 50
    assert sorted(order(channels, health)) == ["a", "b", "c"]


def test_weights_share_first_place_in_proportion() -> None:
    channels = [channel("heavy", weight=3), channel("light", weight=1)]
    rng = random.Random(1)
    firsts = Counter(
        candidates(channels, "MUSIC", "chirp-v4", health=Health(), running={}, rng=rng)[0].name
        for _ in range(4000)
    )
    share = firsts["heavy"] / 4000
    assert 0.72 < share < 0.78


def test_seeded_rng_repeats() -> None:
    channels = [channel(f"c{i}", weight=i + 1) for i in range(5)]
    assert order(channels) == order(channels)


async def test_failover_walks_the_order_and_counts_failures() -> None:
    health = Health(failures=2, reset_s=60)
    tried: list[str] = []

    async def attempt(c: ChannelInfo) -> str:
        tried.append(c.name)
        if c.name == "a":
            raise UpstreamUnavailable("HTTP 500")
        if c.name == "b":
            raise UpstreamRejected("captcha")
        if c.name == "c":
            raise UpstreamRefused("bad field")
        return f"id-from-{c.name}"

    chosen, result = await failover([channel(n) for n in "abcd"], attempt, health)
    assert (chosen.name, result) == ("d", "id-from-d")
    assert tried == ["a", "b", "c", "d"]
    assert health.breaker("a").state == "closed"  # one failure of two
    assert health.resting("b")
    assert not health.resting("c")


async def test_failover_gives_up_with_every_reason() -> None:
    async def attempt(c: ChannelInfo) -> str:
        raise UpstreamUnavailable(f"down {c.name}")

    with pytest.raises(NoChannel) as caught:
        await failover([channel("a"), channel("b")], attempt, Health())
    assert "down a" in caught.value.message and "down b" in caught.value.message
    with pytest.raises(NoChannel):
        await failover([], attempt, Health())
