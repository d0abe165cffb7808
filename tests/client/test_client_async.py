"""The asyncio client against a fake relay on loopback: chorus/client/_async.py."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
from fake_relay import CLIP_SECONDS, FakeRelay, media_bytes
from relay_checks import DIALECTS, FAST, MakeRelay, check_downloads, check_progress

from chorus.client import (
    AsyncClient,
    AuthenticationError,
    DownloadError,
    InvalidResponse,
    RateLimitedError,
    ServiceBusy,
    Task,
    TaskFailed,
    TaskNotFound,
    TransportError,
    WaitTimeout,
)


def client_for(relay: FakeRelay, key: str = FakeRelay.KEY) -> AsyncClient:
    return AsyncClient(relay.base_url, key, timeout=5)


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_submit_wait_download(make_relay: MakeRelay, dialect: str, tmp_path: Path) -> None:
    relay = make_relay(dialect)
    seen: list[Task] = []
    async with client_for(relay) as client:
        task_id = await client.submit_music(gpt_description_prompt="a calm song", tags="ambient")
        task = await client.wait(task_id, on_progress=seen.append, **FAST)
        assert task.succeeded and task.dialect == dialect and task.task_id == task_id
        assert [c.duration for c in task.clips] == list(CLIP_SECONDS)
        check_progress(seen)
        for clip in task.clips:
            check_downloads(relay, clip, await client.download(clip, tmp_path), tmp_path)
    assert relay.requests[0][3] == {"gpt_description_prompt": "a calm song", "tags": "ambient"}
    assert all("Authorization" not in h for _, h in relay.media_requests)


async def test_two_tasks_waited_concurrently(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    async with client_for(relay) as client:
        ids = [await client.submit_music(prompt=f"song {n}") for n in range(2)]
        lyrics_id = await client.submit_lyrics("the sea")
        tasks = await asyncio.gather(*(client.wait(i, **FAST) for i in [*ids, lyrics_id]))
        assert [t.task_id for t in tasks] == [*ids, lyrics_id]
        assert all(t.succeeded for t in tasks)
        assert tasks[2].lyrics is not None and tasks[2].lyrics.title == "Fake Lyrics"
        batch = await client.fetch_many([lyrics_id, *reversed(ids)], action="MUSIC")
        assert [t.task_id for t in batch] == list(reversed(ids))


async def test_error_answers_are_typed(make_relay: MakeRelay) -> None:
    relay = make_relay("flat")
    async with client_for(relay) as client:
        with pytest.raises(TaskNotFound):
            await client.fetch("no-such-task")
        relay.can(429, {"code": "rate_limited", "message": "m", "data": None},
                  {"Retry-After": "3"})  # fmt: skip
        with pytest.raises(RateLimitedError) as limited:
            await client.fetch("x")
        assert limited.value.retry_after == 3.0
        relay.can(503, {"code": "service_busy", "message": "m", "data": None})
        with pytest.raises(ServiceBusy):
            await client.submit_lyrics("x")
        relay.can(200, b"garbage")
        with pytest.raises(InvalidResponse):
            await client.fetch("x")
    async with client_for(relay, key="wrong") as client:
        with pytest.raises(AuthenticationError):
            await client.submit_music(prompt="x")


async def test_wait_retries_then_fails_the_task(make_relay: MakeRelay) -> None:
    relay = make_relay("goapi")
    async with client_for(relay) as client:
        task_id = await client.submit_music(prompt="fail please")
        relay.can(503, {"code": 503, "message": "busy", "data": None})
        with pytest.raises(TaskFailed) as failed:
            await client.wait(task_id, **FAST)
    assert failed.value.task.status == "FAILURE"
    assert failed.value.task.fail_reason == "engine exploded"
    assert not relay.canned


async def test_wait_times_out(make_relay: MakeRelay) -> None:
    relay = make_relay("clips")
    async with client_for(relay) as client:
        task_id = await client.submit_music(prompt="stall")
        with pytest.raises(WaitTimeout) as late:
            await client.wait(task_id, poll_interval=0.02, timeout=0.3)
    assert late.value.task is not None and not late.value.task.done


async def test_unreachable_server_is_a_transport_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with AsyncClient(f"http://127.0.0.1:{port}", "k", timeout=2) as client:
        with pytest.raises(TransportError):
            await client.submit_music(prompt="x")


async def test_download_failure_leaves_no_file(make_relay: MakeRelay, tmp_path: Path) -> None:
    relay = make_relay("suno")
    async with client_for(relay) as client:
        task = await client.wait(await client.submit_music(prompt="x"), **FAST)
        clip = task.clips[0].model_copy(update={"audio_url": f"{relay.media_url}/missing.mp3"})
        with pytest.raises(DownloadError):
            await client.download(clip, tmp_path, what=("audio",))
        files = await client.download(task.clips[1], tmp_path, what=("audio",))
    assert [p.name for p in tmp_path.iterdir()] == [files["audio"].name]
    name = f"{task.clips[1].id}.mp3"
    assert files["audio"].read_bytes() == media_bytes(name, relay.AUDIO_SIZE)


async def test_injected_http_client_is_left_open(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    async with httpx.AsyncClient() as http:
        async with AsyncClient(relay.base_url, relay.KEY, http_client=http) as client:
            await client.fetch(await client.submit_music(prompt="x"))
        assert not http.is_closed
