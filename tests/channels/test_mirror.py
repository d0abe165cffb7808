"""Mirroring a complete clip's files from a fake upstream into a media folder, and copying
a streaming clip's growing audio as it arrives."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fake_upstreams import AUDIO_SIZE, LIVE_PAUSE_S, FakeTask, FakeUpstream, media_bytes

from chorus.channels.mirror import ClipMedia, mirror_clip, relay_stream
from chorus.channels.upstream import UpstreamUnavailable
from chorus.webhooks.transport import GuardedTransport


async def test_files_land_whole_under_engine_names(
    make_upstream: Callable[..., FakeUpstream], tmp_path: Path
) -> None:
    fake = make_upstream("clips")  # relative URLs: resolved against the upstream's base
    media = ClipMedia("/cdn/a.mp3", "/cdn/image_a.jpeg", "/cdn/image_large_a.jpeg", "")
    async with httpx.AsyncClient(trust_env=False) as client:
        sizes = await mirror_clip(client, media, tmp_path, fake.base_url, max_bytes=10**7)
        assert sizes["song.mp3"] == AUDIO_SIZE
        assert (tmp_path / "song.mp3").read_bytes() == media_bytes("a.mp3", AUDIO_SIZE)
        assert (tmp_path / "cover.jpg").read_bytes() == media_bytes("image_large_a.jpeg", 2000)
        assert (tmp_path / "stream.mp3").read_bytes() == (tmp_path / "song.mp3").read_bytes()
        assert not (tmp_path / "video.mp4").exists()
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
        # A second round fetches nothing again.
        before = len(fake.media_requests)
        await mirror_clip(client, media, tmp_path, fake.base_url, max_bytes=10**7)
        assert len(fake.media_requests) == before


async def test_missing_audio_or_oversize_fails_and_leaves_no_file(
    make_upstream: Callable[..., FakeUpstream], tmp_path: Path
) -> None:
    fake = make_upstream("suno")
    async with httpx.AsyncClient(trust_env=False) as client:
        with pytest.raises(UpstreamUnavailable):
            await mirror_clip(client, ClipMedia(f"{fake.base_url}/cdn/a.wav", None, None, None),
                              tmp_path, fake.base_url, max_bytes=10**7)  # fmt: skip
        with pytest.raises(UpstreamUnavailable, match="larger"):
            await mirror_clip(client, ClipMedia(f"{fake.base_url}/cdn/a.mp3", None, None, None),
                              tmp_path, fake.base_url, max_bytes=1000)  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def live_task(fake: FakeUpstream) -> tuple[FakeTask, str]:
    """A task of ``fake`` whose first clip streams live, and that stream's URL."""
    task = fake._new("MUSIC", {"prompt": "[Verse]\nlive"})
    return task, f"{fake.base_url}/live/{task.clip_ids[0]}.mp3"


async def test_a_live_stream_is_copied_as_it_arrives(
    make_upstream: Callable[..., FakeUpstream], tmp_path: Path
) -> None:
    task, url = live_task(make_upstream("suno"))
    name = f"{task.clip_ids[0]}.mp3"
    target = tmp_path / "stream.mp3"
    async with httpx.AsyncClient(trust_env=False) as client:
        copy = asyncio.create_task(relay_stream(client, url, target, max_bytes=10**7))
        # Part of the song is on disk while the upstream is still sending the rest.
        while not (target.exists() and target.stat().st_size > 0):
            await asyncio.sleep(0.02)
        assert not copy.done() and target.stat().st_size < AUDIO_SIZE
        assert await copy == AUDIO_SIZE
    assert target.read_bytes() == media_bytes(name, AUDIO_SIZE)
    assert task.live_played


async def test_a_failed_live_copy_leaves_no_file_and_never_takes_over_one(
    make_upstream: Callable[..., FakeUpstream], tmp_path: Path
) -> None:
    fake = make_upstream("suno")
    _, url = live_task(fake)
    target = tmp_path / "stream.mp3"
    async with httpx.AsyncClient(trust_env=False) as client:
        with pytest.raises(UpstreamUnavailable, match="larger"):
            await relay_stream(client, url, target, max_bytes=AUDIO_SIZE // 2)
        assert not target.exists()
        with pytest.raises(UpstreamUnavailable, match="404"):
            await relay_stream(client, f"{fake.base_url}/live/nobody.mp3", target,
                               max_bytes=10**7)  # fmt: skip
        assert not target.exists()
        target.write_bytes(b"written by someone else")
        with pytest.raises(UpstreamUnavailable, match="already"):
            await relay_stream(client, url, target, max_bytes=10**7)
    assert target.read_bytes() == b"written by someone else"


@pytest.mark.parametrize("same_encoding", [True, False])
async def test_a_live_copy_that_stopped_short_is_completed_from_the_song(
    make_upstream: Callable[..., FakeUpstream], tmp_path: Path, same_encoding: bool
) -> None:
    fake = make_upstream("suno")
    song = media_bytes("a.mp3", AUDIO_SIZE)
    short = song[: AUDIO_SIZE // 3] if same_encoding else b"x" * (AUDIO_SIZE // 3)
    (tmp_path / "stream.mp3").write_bytes(short)
    media = ClipMedia(f"{fake.base_url}/cdn/a.mp3", None, None, None)
    async with httpx.AsyncClient(trust_env=False) as client:
        await mirror_clip(client, media, tmp_path, fake.base_url, max_bytes=10**7)
    # The listener hears the whole song when the copy was its beginning; otherwise the
    # copy stays as heard (the song is at the final URL).
    assert (tmp_path / "stream.mp3").read_bytes() == (song if same_encoding else short)
    assert (tmp_path / "song.mp3").read_bytes() == song


@pytest.mark.parametrize("trusted", [(), ("localhost",)])
async def test_media_on_a_private_host_needs_that_host_trusted(
    make_upstream: Callable[..., FakeUpstream], tmp_path: Path, trusted: tuple[str, ...]
) -> None:
    # The upstream is 127.0.0.1; its answers point at "localhost", the same machine.
    fake = make_upstream("suno", media_host="localhost")
    task, _ = live_task(fake)
    name = f"{task.clip_ids[0]}.mp3"
    song = f"http://localhost:{fake.base_url.rsplit(':', 1)[1]}/cdn/{name}"
    transport = GuardedTransport(allow_private=False, trusted=lambda host: host in trusted)
    async with httpx.AsyncClient(transport=transport, trust_env=False) as client:
        if not trusted:
            with pytest.raises(UpstreamUnavailable, match="private network"):
                await mirror_clip(client, ClipMedia(song, None, None, None), tmp_path,
                                  fake.base_url, max_bytes=10**7)  # fmt: skip
            with pytest.raises(UpstreamUnavailable, match="private network"):
                await relay_stream(client, song.replace("/cdn/", "/live/"),
                                   tmp_path / "stream.mp3", max_bytes=10**7)  # fmt: skip
            assert list(tmp_path.iterdir()) == [] and fake.media_requests == []
            return
        await mirror_clip(client, ClipMedia(song, None, None, None), tmp_path, fake.base_url,
                          max_bytes=10**7)  # fmt: skip
    assert (tmp_path / "song.mp3").read_bytes() == media_bytes(name, AUDIO_SIZE)


async def test_a_live_stream_may_pause_longer_than_a_request_may(
    make_upstream: Callable[..., FakeUpstream], tmp_path: Path
) -> None:
    _, url = live_task(make_upstream("suno"))
    # The upstream pauses LIVE_PAUSE_S between pieces, longer than this client's requests.
    async with httpx.AsyncClient(trust_env=False, timeout=LIVE_PAUSE_S / 3) as client:
        copied = await relay_stream(client, url, tmp_path / "stream.mp3", max_bytes=10**7)
    assert copied == AUDIO_SIZE
