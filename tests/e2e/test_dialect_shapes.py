"""Real answers of a real server, in each dialect, have every field of the seed examples
with the same JSON types (null in the seed allows anything)."""

from __future__ import annotations

from typing import Any

import pytest

from live_server import LiveServer, fetch, submit, wait_until
from seed_shapes import seed, shape_problems


@pytest.fixture(scope="module")
def tasks(server: LiveServer) -> tuple[str, str, str]:
    key = server.new_key("shapes")
    with server.client(key) as client:
        music = submit(client, {"gpt_description_prompt": "blowing in the wind"})
        lyrics = submit(client, {"prompt": "dancing in neon light"}, kind="lyrics")
        wait_until(client, [music, lyrics], timeout_s=200)
    return key, music, lyrics


@pytest.mark.parametrize(
    ("dialect", "seed_name", "id_maps"),
    [("suno", "000_suno", ()), ("flat", "002_flat", ()), ("goapi", "001_goapi", ("$.data.clips",))],
)
def test_music_task_in_each_dialect(
    server: LiveServer,
    tasks: tuple[str, str, str],
    dialect: str,
    seed_name: str,
    id_maps: tuple[str, ...],
) -> None:
    key, music, _ = tasks
    with server.client(key) as client:
        ours: dict[str, Any] = fetch(client, music, dialect=dialect)
    assert shape_problems(seed(seed_name), ours, id_maps=id_maps) == []


def test_lyrics_task_matches_seed_003(server: LiveServer, tasks: tuple[str, str, str]) -> None:
    key, _, lyrics = tasks
    with server.client(key) as client:
        ours = fetch(client, lyrics)
    assert shape_problems(seed("003_lyrics"), ours) == []
    assert ours["data"]["data"]["status"] == "complete"
