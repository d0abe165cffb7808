"""Mirroring a complete clip's files from a fake upstream into a media folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fake_upstreams import AUDIO_SIZE, FakeUpstream, media_bytes

from chorus.channels.mirror import ClipMedia, mirror_clip
from chorus.channels.upstream import UpstreamUnavailable


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
