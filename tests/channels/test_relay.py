"""RelayUpstream against fake relays of every shape, well-behaved and not."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fake_upstreams import SHAPES, FakeUpstream

from chorus.channels.relay import RelayUpstream
from chorus.channels.upstream import UpstreamRejected, UpstreamUnavailable

Make = Callable[..., FakeUpstream]


def relay_for(fake: FakeUpstream, timeout: float = 5.0, secret: str | None = None) -> RelayUpstream:
    client = httpx.AsyncClient(timeout=timeout, trust_env=False)
    return RelayUpstream(client, fake.base_url, fake.key if secret is None else secret)


@pytest.mark.parametrize("shape", SHAPES)
async def test_submit_then_batch_fetch_until_success(make_upstream: Make, shape: str) -> None:
    fake = make_upstream(shape)
    relay = relay_for(fake)
    try:
        ids = [await relay.submit_music({"prompt": f"[Verse]\nsong {i}", "mv": "chirp-v4"})
               for i in range(3)]  # fmt: skip
        seen: list[str] = []
        for _ in range(4):  # the fake moves a stage per fetch
            found = await relay.fetch_many(ids)
            assert set(found) == set(ids)
            seen.append(found[ids[0]].status)
        final = found[ids[0]]
        assert final.status == "SUCCESS"
        assert len(final.clips) == 2
        assert all(clip.status == "complete" and clip.audio_url for clip in final.clips)
        assert [c.duration for c in final.clips] == [31.5, 29.0]
        assert seen[0] == "IN_PROGRESS" and seen[1:] == ["SUCCESS"] * 3
        batches = [r for r in fake.api_requests() if r[1] == "/suno/fetch"]
        # One POST per fetch_many call, holding every id.
        assert len(batches) == 4 and all(sorted(b[2]["ids"]) == sorted(ids) for b in batches)
    finally:
        await relay.aclose()


async def test_lyrics(make_upstream: Make) -> None:
    fake = make_upstream("suno")
    relay = relay_for(fake)
    try:
        task_id = await relay.submit_lyrics({"prompt": "a song about moths"})
        await relay.fetch_many([task_id])
        task = (await relay.fetch_many([task_id]))[task_id]
        assert task.action == "LYRICS" and task.status == "SUCCESS"
        assert task.lyrics is not None and "far words" in task.lyrics.text
    finally:
        await relay.aclose()


@pytest.mark.parametrize(("status", "error"), [(500, UpstreamUnavailable),
                                               (429, UpstreamUnavailable),
                                               (503, UpstreamUnavailable)])  # fmt: skip
async def test_server_errors_are_unavailable(make_upstream: Make, status: int,
                                             error: type[Exception]) -> None:  # fmt: skip
    fake = make_upstream("flat")
    fake.script.statuses = [status]
    relay = relay_for(fake)
    try:
        with pytest.raises(error):
            await relay.submit_music({"prompt": "x"})
        assert await relay.submit_music({"prompt": "x"})  # the next one works
    finally:
        await relay.aclose()


async def test_garbage_and_timeouts_are_unavailable(make_upstream: Make) -> None:
    fake = make_upstream("goapi")
    relay = relay_for(fake, timeout=0.3)
    try:
        fake.script.garbage = 1
        with pytest.raises(UpstreamUnavailable):
            await relay.submit_music({"prompt": "x"})
        fake.script.delay_s = 1.0
        with pytest.raises(UpstreamUnavailable, match="timed out"):
            await relay.fetch_many(["whatever"])
    finally:
        fake.script.delay_s = 0
        await relay.aclose()


async def test_wrong_key_is_rejected_and_reason_names_no_host(make_upstream: Make) -> None:
    fake = make_upstream("suno")
    relay = relay_for(fake, secret="sk-wrong")
    try:
        with pytest.raises(UpstreamRejected) as caught:
            await relay.submit_music({"prompt": "x"})
        assert "127.0.0.1" not in caught.value.message
    finally:
        await relay.aclose()


async def test_forgotten_tasks_are_left_out(make_upstream: Make) -> None:
    fake = make_upstream("suno")
    relay = relay_for(fake)
    try:
        kept = await relay.submit_music({"prompt": "kept"})
        lost = await relay.submit_music({"prompt": "forget me"})
        found = await relay.fetch_many([kept, lost])
        assert set(found) == {kept}
    finally:
        await relay.aclose()
