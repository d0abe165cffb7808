"""The blocking client against a fake relay on loopback: chorus/client/_sync.py."""

from __future__ import annotations

import socket
import textwrap
from pathlib import Path

import httpx
import pytest
from fake_relay import CLIP_SECONDS, FakeRelay, media_bytes
from relay_checks import DIALECTS, FAST, MakeRelay, check_downloads, check_progress

from chorus.client import (
    AuthenticationError,
    Client,
    DownloadError,
    InvalidRequestError,
    InvalidResponse,
    QuotaExceeded,
    RateLimitedError,
    ServiceBusy,
    Task,
    TaskFailed,
    TaskNotFound,
    TransportError,
    UpstreamError,
    WaitTimeout,
)


def client_for(relay: FakeRelay, key: str = FakeRelay.KEY) -> Client:
    return Client(relay.base_url, key, timeout=5)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_submit_wait_download(make_relay: MakeRelay, dialect: str, tmp_path: Path) -> None:
    relay = make_relay(dialect)
    seen: list[Task] = []
    with client_for(relay) as client:
        task_id = client.submit_music(
            prompt="[Verse]\nhello", tags="synth pop", title="Hello", mv="chirp-v3-5"
        )
        task = client.wait(task_id, on_progress=seen.append, **FAST)
        assert task.task_id == task_id
        assert task.succeeded and task.dialect == dialect
        assert [c.status for c in task.clips] == ["complete", "complete"]
        assert [c.duration for c in task.clips] == list(CLIP_SECONDS)
        assert all(c.title == "Hello" and c.tags == "synth pop" for c in task.clips)
        check_progress(seen)
        assert seen[-1] == task
        for clip in task.clips:
            files = client.download(clip, tmp_path)
            check_downloads(relay, clip, files, tmp_path)
    method, path, _, body = relay.requests[0]
    assert (method, path) == ("POST", "/suno/submit/music")
    assert body == {"prompt": "[Verse]\nhello", "tags": "synth pop", "title": "Hello",
                    "mv": "chirp-v3-5"}  # fmt: skip
    assert all(h["Authorization"] == f"Bearer {relay.KEY}" for _, _, h, _ in relay.requests)
    # Media live on another origin: the key must not travel there.
    assert relay.media_requests
    assert all("Authorization" not in h for _, h in relay.media_requests)


@pytest.mark.parametrize("dialect", ["suno", "flat"])
def test_lyrics_task(make_relay: MakeRelay, dialect: str) -> None:
    relay = make_relay(dialect)
    with client_for(relay) as client:
        task_id = client.submit_lyrics("a song about the sea", notify_hook="http://hook.test/x")
        task = client.wait(task_id, **FAST)
    assert task.action == "LYRICS" and task.succeeded
    assert task.lyrics is not None
    assert (task.lyrics.title, task.lyrics.status) == ("Fake Lyrics", "complete")
    assert task.lyrics.text.startswith("[Verse]")
    assert task.notify_hook == "http://hook.test/x"
    assert relay.requests[0][3] == {"prompt": "a song about the sea",
                                    "notify_hook": "http://hook.test/x"}  # fmt: skip


def test_fetch_many_keeps_order_and_kind(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    with client_for(relay) as client:
        first = client.submit_music(gpt_description_prompt="one")
        lyrics = client.submit_lyrics("words")
        second = client.submit_music(gpt_description_prompt="two")
        asked = [second, "no-such-task", lyrics, first]
        tasks = client.fetch_many(asked)
        assert [t.task_id for t in tasks] == [second, lyrics, first]
        music = client.fetch_many(asked, action="MUSIC")
        assert [t.task_id for t in music] == [second, first]
        assert all(t.action == "MUSIC" for t in music)
        requests = len(relay.requests)
        assert client.fetch_many([]) == []
        assert len(relay.requests) == requests
    assert relay.requests[-1][3] == {"ids": asked, "action": "MUSIC"}


def test_extension_and_extra_fields_are_sent(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    with client_for(relay) as client:
        client.submit_music(
            continue_clip_id="clip-1",
            continue_at=31.5,
            task_id="task-0",
            make_instrumental=False,
            duration=15,
        )
    assert relay.requests[0][3] == {
        "continue_clip_id": "clip-1",
        "continue_at": 31.5,
        "task_id": "task-0",
        "make_instrumental": False,
        "duration": 15,
        "task": "extend",
    }


@pytest.mark.parametrize("dialect", ["suno", "goapi"])
def test_error_answers_are_typed(make_relay: MakeRelay, dialect: str) -> None:
    relay = make_relay(dialect)
    with client_for(relay) as client:
        with pytest.raises(TaskNotFound) as missing:
            client.fetch("no-such-task")
        assert missing.value.status_code == 404
        assert "no-such-task" in missing.value.message

        relay.can(429, {"code": "rate_limited", "message": "slow down", "data": None},
                  {"Retry-After": "7"})  # fmt: skip
        with pytest.raises(RateLimitedError) as limited:
            client.fetch("x")
        assert limited.value.retry_after == 7.0

        relay.can(503, {"code": "service_busy", "message": "busy", "data": None})
        with pytest.raises(ServiceBusy):
            client.submit_music(prompt="x")

        relay.can(403, {"code": "quota_not_enough", "message": "no credits", "data": None})
        with pytest.raises(QuotaExceeded, match="no credits"):
            client.submit_music(prompt="x")

        relay.can(200, b"<html>not json{")
        with pytest.raises(InvalidResponse):
            client.fetch("x")

        relay.can(502, b"Bad Gateway")
        with pytest.raises(UpstreamError) as bad_gateway:
            client.fetch("x")
        assert bad_gateway.value.status_code == 502

        relay.can(200, {"code": "success", "message": "", "data": {"weird": True}})
        with pytest.raises(InvalidResponse):
            client.fetch("x")

    with client_for(relay, key="wrong") as client, pytest.raises(AuthenticationError) as denied:
        client.fetch("x")
    assert denied.value.status_code == 401


def test_empty_lyrics_prompt_is_invalid(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    with client_for(relay) as client, pytest.raises(InvalidRequestError, match="prompt"):
        client.submit_lyrics("")


def test_wait_rides_out_busy_and_rate_limited_answers(make_relay: MakeRelay) -> None:
    relay = make_relay("flat")
    with client_for(relay) as client:
        task_id = client.submit_music(prompt="x")
        relay.can(503, {"code": "service_busy", "message": "busy", "data": None})
        relay.can(429, {"code": "rate_limited", "message": "later", "data": None},
                  {"Retry-After": "0"})  # fmt: skip
        relay.can(500, {"code": "fail_to_fetch_task", "message": "upstream", "data": None})
        seen: list[Task] = []
        task = client.wait(task_id, on_progress=seen.append, **FAST)
    assert task.succeeded
    check_progress(seen)
    assert not relay.canned


def test_wait_stops_on_garbage(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    with client_for(relay) as client:
        task_id = client.submit_music(prompt="x")
        relay.can(200, b"{{{")
        with pytest.raises(InvalidResponse):
            client.wait(task_id, **FAST)


def test_wait_raises_task_failed(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    with client_for(relay) as client:
        task_id = client.submit_music(prompt="please fail")
        with pytest.raises(TaskFailed) as failed:
            client.wait(task_id, **FAST)
        assert failed.value.task.status == "FAILURE"
        assert failed.value.message == "engine exploded"
        assert [c.status for c in failed.value.task.clips] == ["error", "error"]
        assert failed.value.task.clips[0].error_message == "engine exploded"

        other = client.submit_music(prompt="fail again")
        task = client.wait(other, raise_on_failure=False, **FAST)
        assert task.done and not task.succeeded


def test_wait_times_out(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    with client_for(relay) as client:
        task_id = client.submit_music(prompt="stall")
        with pytest.raises(WaitTimeout) as late:
            client.wait(task_id, poll_interval=0.02, timeout=0.3)
    assert late.value.task is not None
    assert late.value.task.status == "IN_PROGRESS"
    assert task_id in late.value.message


def test_wait_validates_its_arguments(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    with client_for(relay) as client:
        with pytest.raises(InvalidRequestError, match="poll_interval"):
            client.wait("x", poll_interval=0)
        with pytest.raises(InvalidRequestError, match="task_id"):
            client.fetch("")
    assert relay.requests == []


def test_unreachable_server_is_a_transport_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Client(f"http://127.0.0.1:{port}", "k", timeout=2) as client:
        with pytest.raises(TransportError):
            client.fetch("x")
        with pytest.raises(WaitTimeout) as late:
            client.wait("x", poll_interval=0.02, timeout=0.2)
        assert isinstance(late.value.__cause__, TransportError)


def test_download_details(make_relay: MakeRelay, tmp_path: Path) -> None:
    relay = make_relay("suno")
    folder = tmp_path / "new" / "dir"
    with client_for(relay) as client:
        task = client.wait(client.submit_music(prompt="x"), **FAST)
        clip = task.clips[0]
        only_audio = client.download(clip, folder, what=("audio",))
        assert list(only_audio) == ["audio"] and only_audio["audio"].suffix == ".mp3"

        large = client.download(clip, folder, what=("image", "image_large"))
        assert large["image"] != large["image_large"]
        assert large["image_large"].name == f"{clip.id}_large.jpeg"

        # A relative URL is the API's own: it resolves there and carries the key.
        relative = clip.model_copy(update={"audio_url": f"/media/{clip.id}.mp3"})
        files = client.download(relative, folder, what=("audio",))
        assert files["audio"].read_bytes() == media_bytes(f"{clip.id}.mp3", relay.AUDIO_SIZE)
        assert relay.media_requests[-1][1]["Authorization"] == f"Bearer {relay.KEY}"

        # A hostile id cannot name a file outside the folder.
        hostile = clip.model_copy(update={"id": "../../etc/passwd"})
        files = client.download(hostile, folder, what=("audio",))
        assert files["audio"].parent == folder

        missing = clip.model_copy(
            update={"id": "gone", "audio_url": f"{relay.media_url}/missing.mp3"}
        )
        with pytest.raises(DownloadError):
            client.download(missing, folder, what=("audio",))
        with pytest.raises(InvalidRequestError, match="what"):
            client.download(clip, folder, what=("lyrics",))
        # Kinds without a URL yet are skipped.
        assert (
            client.download(clip.model_copy(update={"video_url": None}), folder, what=("video",))
            == {}
        )
    assert not (folder / "gone.mp3").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_injected_http_client_is_left_open(make_relay: MakeRelay) -> None:
    relay = make_relay("suno")
    with httpx.Client() as http:
        with Client(relay.base_url, relay.KEY, http_client=http) as client:
            client.submit_music(prompt="x")
        assert not http.is_closed
        assert http.get(relay.media_url + "/a.mp3").status_code == 200


def test_module_docstring_example_runs(
    make_relay: MakeRelay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chorus.client

    doc = chorus.client.__doc__ or ""
    block = doc.split("::\n", 1)[1].split("\n\n``AsyncClient``", 1)[0]
    code = textwrap.dedent(block)
    relay = make_relay("suno")
    relay.stride = 10
    monkeypatch.setenv("CHORUS_URL", relay.base_url)
    monkeypatch.setenv("CHORUS_KEY", relay.KEY)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "chorus.client example", "exec"), {"__name__": "example"})
    songs = sorted(p.suffix for p in (tmp_path / "songs").iterdir())
    assert songs == [".jpeg", ".jpeg", ".mp3", ".mp3"]
