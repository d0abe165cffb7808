"""``chorus lyrics`` and ``chorus status``."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from _chorus_cli import assert_one_line_error

from live_server import LiveServer, submit, wait_until

Chorus = Callable[..., subprocess.CompletedProcess[str]]


def test_local_lyrics(chorus: Chorus) -> None:
    first = chorus("lyrics", "a lullaby about the sea", "--seed", "5")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("Title: ") and len(lines[0]) > len("Title: ")
    assert lines[1].startswith("Tags: ")
    assert "[Verse]" in first.stdout and "[Chorus]" in first.stdout
    assert "sea" in first.stdout.lower()
    again = chorus("lyrics", "a lullaby about the sea", "--seed", "5")
    assert again.stdout == first.stdout
    assert_one_line_error(chorus("lyrics", "   "), "idea")


def test_lyrics_through_server(
    chorus: Chorus, server: LiveServer, make_key: Callable[..., str]
) -> None:
    key = make_key(credits=1000)
    result = chorus(
        "lyrics", "a night train to the mountains", "--server", server.base_url, "--key", key
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Title: ")
    assert "[Verse]" in result.stdout


def test_status(chorus: Chorus, server: LiveServer, make_key: Callable[..., str]) -> None:
    key = make_key(credits=1000)
    with server.client(key) as api:
        task_id = submit(api, {"prompt": "a short ode to tea"}, kind="lyrics")
        wait_until(api, [task_id])
    result = chorus("status", task_id, "--server", server.base_url, "--key", key)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert task_id in first and "LYRICS" in first and "SUCCESS" in first and "100%" in first
    raw = chorus("status", task_id, "--server", server.base_url, "--key", key, "--json")
    assert '"task_id"' in raw.stdout
    missing = chorus("status", "no-such-task", "--server", server.base_url, "--key", key)
    assert_one_line_error(missing, "no such task")
    other = make_key(credits=1000)
    assert_one_line_error(
        chorus("status", task_id, "--server", server.base_url, "--key", other), "no such task"
    )
