"""The three dialects, rendered from snapshots in every clip state, have every field of
the seed examples with the same JSON types."""

from __future__ import annotations

import json
import time

import pytest

from chorus.tasks import dialects
from chorus.tasks.views import ClipView, TaskView
from seed_shapes import seed, shape_problems

BASE = "http://media.example"
CLIP_STATES = ["submitted", "queued", "streaming", "complete", "error"]
TASK_OF_CLIP = {
    "submitted": "SUBMITTED",
    "queued": "QUEUED",
    "streaming": "IN_PROGRESS",
    "complete": "SUCCESS",
    "error": "FAILURE",
}


def make_view(clip_status: str, *, action: str = "MUSIC", idea: str = "") -> TaskView:
    now = time.time()
    clips = tuple(
        ClipView(
            id=f"00000000-0000-4000-8000-00000000000{idx}",
            idx=idx,
            seed=idx,
            status=clip_status,
            progress=100 if clip_status == "complete" else 40,
            audio_seconds=4.0,
            duration=10.0 if clip_status == "complete" else None,
            attempt=1,
            error_message="boom" if clip_status == "error" else "",
            created_at=now,
            updated_at=now,
        )
        for idx in (1, 2)
    )
    return TaskView(
        id="11111111-2222-4333-8444-555555555555",
        key_id=1,
        key_name="Some User",
        action=action,
        status=TASK_OF_CLIP[clip_status],
        fail_reason="boom" if clip_status == "error" else "",
        notify_hook="",
        mode="inspiration" if idea else "custom",
        mv="chirp-v4",
        input_json=json.dumps({"gpt_description_prompt": idea}),
        gpt_description_prompt=idea,
        title="City Lights",
        tags="emotional punk",
        negative_tags="",
        lyrics="[Verse]\nla la",
        make_instrumental=False,
        duration=10.0,
        continue_clip_id=None,
        continue_at=None,
        progress=40,
        submit_time=int(now),
        start_time=int(now),
        finish_time=0,
        clips=clips if action == "MUSIC" else (),
    )


def envelope(view: TaskView, dialect: dialects.Dialect) -> object:
    head, tail = dialects.envelope_parts(dialect)
    body = json.dumps(dialects.task_object(view, dialect, BASE)).encode()
    return json.loads(head + body + tail)


@pytest.mark.parametrize("clip_status", CLIP_STATES)
@pytest.mark.parametrize("idea", ["", "a song about rain"])
def test_suno_dialect_matches_seed_000(clip_status: str, idea: str) -> None:
    ours = envelope(make_view(clip_status, idea=idea), "suno")
    assert shape_problems(seed("000_suno"), ours) == []


@pytest.mark.parametrize("clip_status", CLIP_STATES)
@pytest.mark.parametrize("idea", ["", "a song about rain"])
def test_flat_dialect_matches_seed_002(clip_status: str, idea: str) -> None:
    ours = envelope(make_view(clip_status, idea=idea), "flat")
    assert shape_problems(seed("002_flat"), ours) == []


@pytest.mark.parametrize("clip_status", CLIP_STATES)
@pytest.mark.parametrize("idea", ["", "a song about rain"])
def test_goapi_dialect_matches_seed_001(clip_status: str, idea: str) -> None:
    ours = envelope(make_view(clip_status, idea=idea), "goapi")
    assert shape_problems(seed("001_goapi"), ours, id_maps=("$.data.clips",)) == []


@pytest.mark.parametrize("dialect", ["suno", "flat"])
def test_lyrics_task_matches_seed_003(dialect: dialects.Dialect) -> None:
    ours = envelope(make_view("complete", action="LYRICS"), dialect)
    assert shape_problems(seed("003_lyrics"), ours) == []


@pytest.mark.parametrize("clip_status", CLIP_STATES)
def test_media_urls_point_to_files_only_when_they_exist(clip_status: str) -> None:
    view = make_view(clip_status)
    clip = dialects.suno_clip(view, view.clips[0], BASE)
    if clip_status == "complete":
        assert clip["audio_url"].endswith("/audio.mp3")
        assert clip["image_url"] and clip["image_large_url"] and clip["video_url"]
        assert clip["is_video_pending"] is False
    elif clip_status in ("queued", "streaming"):
        assert clip["audio_url"].endswith("/stream.mp3")
        assert clip["video_url"] == ""
    else:
        assert clip["audio_url"] == ""
    assert all(url == "" or url.startswith(BASE) for url in (clip["audio_url"], clip["video_url"]))


def test_flat_clip_task_ids_number_the_clips() -> None:
    view = make_view("complete")
    clips = [dialects.flat_clip(view, clip, BASE) for clip in view.clips]
    assert [clip["task_id"] for clip in clips] == [f"{view.id}_1", f"{view.id}_2"]
    assert all(clip["state"] == "succeeded" for clip in clips)
