"""Which channel gets a task, and trying the next one when it fails.

The channels that may take a task are the enabled ones serving its action and model, whose
circuit is not open, that are not resting after a refusal and are below their concurrency
cap. They are tried by priority, highest first; channels of equal priority are ordered by
a weighted random draw (a seeded :class:`random.Random`, so tests are repeatable), so work
spreads in proportion to weight. :func:`failover` walks that order.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from chorus.channels.breaker import Breaker
from chorus.channels.upstream import (
    UpstreamRefused,
    UpstreamRejected,
    UpstreamUnavailable,
)
from chorus.exceptions import ChorusError

log = logging.getLogger(__name__)
T = TypeVar("T")
ACTIONS = ("MUSIC", "LYRICS")


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """What routing needs of a channel row (a snapshot, safe outside its session)."""

    name: str
    kind: str
    base_url: str
    secret: str
    models: tuple[str, ...]
    priority: int
    weight: int
    max_concurrency: int
    enabled: bool
    options: tuple[tuple[str, str], ...] = ()

    def serves(self, action: str, mv: str) -> bool:
        """Empty ``models`` serves everything; else a LYRICS task needs ``LYRICS`` listed
        and a MUSIC task needs ``MUSIC`` or its ``mv`` listed."""
        if not self.models:
            return True
        if action == "LYRICS":
            return "LYRICS" in self.models
        return "MUSIC" in self.models or mv in self.models

    def option(self, name: str, default: str = "") -> str:
        return dict(self.options).get(name, default)


@dataclass
class Health:
    """Per-channel breakers and rest periods, kept in memory by the dispatcher."""

    failures: int = 3
    reset_s: float = 30.0
    cooldown_s: float = 300.0
    clock: Callable[[], float] = time.monotonic
    breakers: dict[str, Breaker] = field(default_factory=dict)
    resting_until: dict[str, float] = field(default_factory=dict)

    def breaker(self, name: str) -> Breaker:
        found = self.breakers.get(name)
        if found is None:
            found = Breaker(self.failures, self.reset_s, self.clock)
            self.breakers[name] = found
        return found

    def rest(self, name: str) -> None:
        self.resting_until[name] = self.clock() + self.cooldown_s

    def resting(self, name: str) -> bool:
        return self.clock() < self.resting_until.get(name, 0.0)

    def state(self, name: str) -> str:
        return "cooling" if self.resting(name) else self.breaker(name).state


def candidates(
    channels: Sequence[ChannelInfo],
    action: str,
    mv: str,
    *,
    health: Health,
    running: dict[str, int],
    rng: random.Random,
) -> list[ChannelInfo]:
    """The channels to try for a task, in order."""
    usable = [
        channel
        for channel in channels
        if channel.enabled
        and channel.serves(action, mv)
        and not health.resting(channel.name)
        and health.breaker(channel.name).available()
        and (channel.max_concurrency <= 0 or running.get(channel.name, 0) < channel.max_concurrency)
    ]
    ordered: list[ChannelInfo] = []
    for priority in sorted({c.priority for c in usable}, reverse=True):
        ordered += weighted_order([c for c in usable if c.priority == priority], rng)
    return ordered


def weighted_order(channels: list[ChannelInfo], rng: random.Random) -> list[ChannelInfo]:
    """A random order where each next channel is drawn with probability ∝ its weight."""
    left = list(channels)
    order: list[ChannelInfo] = []
    while left:
        total = sum(max(c.weight, 1) for c in left)
        pick = rng.uniform(0, total)
        for index, channel in enumerate(left):
            pick -= max(channel.weight, 1)
            if pick <= 0 or index == len(left) - 1:
                order.append(left.pop(index))
                break
    return order


class NoChannel(ChorusError):  # noqa: N818
    """No channel could take the task."""

    status_code = 503
    code = "no_channel"


async def failover(
    order: Sequence[ChannelInfo],
    attempt: Callable[[ChannelInfo], Awaitable[T]],
    health: Health,
) -> tuple[ChannelInfo, T]:
    """Try ``attempt`` on each channel in ``order`` until one succeeds.

    A transport error, timeout, 429 or 5xx counts against the channel's breaker; a
    refusal of the account rests the channel; a refusal of the request is tried elsewhere
    without blaming the channel. Raises :class:`NoChannel` naming what each one said.
    """
    problems: list[str] = []
    for number, channel in enumerate(order, start=1):
        breaker = health.breaker(channel.name)
        if health.resting(channel.name) or not breaker.allow():
            continue
        try:
            result = await attempt(channel)
        except UpstreamUnavailable as exc:
            breaker.failure()
            problems.append(f"channel {number}: {exc.message}")
            log.warning("channel %s failed, trying the next: %s", channel.name, exc.message)
            continue
        except UpstreamRejected as exc:
            breaker.release()
            health.rest(channel.name)
            problems.append(f"channel {number}: {exc.message}")
            log.warning("channel %s refused and rests: %s", channel.name, exc.message)
            continue
        except UpstreamRefused as exc:
            breaker.success()
            problems.append(f"channel {number}: {exc.message}")
            continue
        except BaseException:
            breaker.release()
            raise
        breaker.success()
        return channel, result
    if not problems:
        raise NoChannel("no channel is available for this task")
    raise NoChannel("every channel failed: " + "; ".join(problems))
