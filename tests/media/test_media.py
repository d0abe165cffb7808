"""Media: the growing audio stream plays before the clip is done; the final files are
served with Range support; covers and video are real files of the promised sizes."""

from __future__ import annotations

import io
import subprocess
import time
from typing import Any

import httpx
import imageio_ffmpeg
import numpy as np
from PIL import Image

from live_server import LiveServer, fetch, submit, wait_until


def decode_mp3(data: bytes) -> np.ndarray:
    """Decode MP3 bytes with ffmpeg into mono float samples at 22050 Hz."""
    result = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "mp3",
            "-i",
            "pipe:0",
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            "22050",
            "pipe:1",
        ],
        input=data,
        capture_output=True,
        check=True,
    )
    return np.frombuffer(result.stdout, dtype=np.int16).astype(np.float32) / 32768


def wait_for_streaming(client: httpx.Client, task_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        data = fetch(client, task_id)["data"]
        if data["status"] == "IN_PROGRESS":
            return data
        assert data["status"] not in ("SUCCESS", "FAILURE"), data
        time.sleep(0.05)
    raise AssertionError("the task never streamed")


def test_audio_streams_while_the_clip_is_made(server: LiveServer) -> None:
    with server.client(server.new_key("stream")) as client:
        task_id = submit(
            client, {"prompt": "[Verse]\nla la la la\nna na na", "tags": "rock", "duration": 40}
        )
        task = wait_for_streaming(client, task_id)
        clip = next(c for c in task["data"] if c["status"] == "streaming")
        assert clip["audio_url"].endswith("/stream.mp3")
        received = bytearray()
        with httpx.stream("GET", clip["audio_url"], timeout=120) as answer:
            assert answer.status_code == 200
            assert answer.headers["content-type"] == "audio/mpeg"
            assert "content-length" not in answer.headers
            chunks = answer.iter_bytes()
            while len(received) < 8_000:
                received += next(chunks)
            during = fetch(client, task_id)["data"]
            first = bytes(received)
            for chunk in chunks:
                received += chunk
        closed = fetch(client, task_id)["data"]
        # The task finishes with its other clip, which may still be rendering.
        after = wait_until(client, [task_id])[task_id]
    # The first bytes came while the task was still being made, and they play.
    assert during["status"] == "IN_PROGRESS"
    assert [c["id"] for c in during["data"] if c["status"] == "complete"] != [clip["id"]]
    assert decode_mp3(first).size > 0
    # The stream closed when the clip's render finished, holding the whole song.
    assert next(c for c in closed["data"] if c["id"] == clip["id"])["status"] == "complete"
    assert after["status"] == "SUCCESS"
    whole = decode_mp3(bytes(received))
    assert whole.size / 22050 >= 0.8 * 40
    assert float(np.max(np.abs(whole))) > 0.01


def test_final_files(server: LiveServer) -> None:
    with server.client(server.new_key("files")) as client:
        task_id = submit(client, {"make_instrumental": True, "tags": "ambient"})
        task = wait_until(client, [task_id])[task_id]
    assert task["status"] == "SUCCESS"
    clip = task["data"][0]
    with httpx.Client(timeout=30) as anonymous:
        audio = anonymous.get(clip["audio_url"])
        part = anonymous.get(clip["audio_url"], headers={"Range": "bytes=100-1099"})
        small = anonymous.get(clip["image_url"])
        large = anonymous.get(clip["image_large_url"])
        video = anonymous.get(clip["video_url"])
        stream_after = anonymous.get(clip["audio_url"].replace("audio.mp3", "stream.mp3"))
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert decode_mp3(audio.content).size / 22050 >= 8
    assert part.status_code == 206 and part.content == audio.content[100:1100]
    assert Image.open(io.BytesIO(small.content)).size == (512, 512)
    assert Image.open(io.BytesIO(large.content)).size == (1024, 1024)
    assert video.headers["content-type"] == "video/mp4" and video.content[4:8] == b"ftyp"
    assert stream_after.content == audio.content
    # Nobody listened while it was made, so no growing stream was ever written.
    folders = list((server.data_dir / "media" / clip["id"]).iterdir())
    assert folders and not any((folder / "stream.mp3").exists() for folder in folders)
    for url in (clip["audio_url"], clip["image_url"], clip["video_url"]):
        assert url.startswith(server.base_url)
