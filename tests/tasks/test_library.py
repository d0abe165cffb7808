"""``GET /api/library``: a key's tasks, newest first, searchable by title and tags, a page
at a time, in the key's dialect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from live_server import LiveServer, submit, wait_until

IDEAS = ("a waltz for a rainy harbor", "a rock anthem about bicycles", "a ballad of old trains")


@pytest.fixture(scope="module")
def library_owner(server: LiveServer) -> tuple[str, dict[str, dict[str, Any]]]:
    key = server.new_key("library-owner", credits=1000)
    with server.client(key) as api:
        ids = [submit(api, {"prompt": idea}, kind="lyrics") for idea in IDEAS]
        tasks = wait_until(api, ids)
    return key, tasks


def _page(api: Any, **params: Any) -> dict[str, Any]:
    answer = api.get("/api/library", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_pages_cover_every_task_once_newest_first(
    server: LiveServer, library_owner: tuple[str, dict[str, dict[str, Any]]]
) -> None:
    key, tasks = library_owner
    with server.client(key) as api:
        first = _page(api, page_size=2)
        second = _page(api, page_size=2, page=2)
        beyond = _page(api, page_size=2, page=3)
    assert first["code"] == "success"
    data = first["data"]
    assert (data["total"], data["page"], data["page_size"]) == (3, 1, 2)
    items = data["items"] + second["data"]["items"]
    assert len(data["items"]) == 2 and len(second["data"]["items"]) == 1
    assert beyond["data"]["items"] == [] and beyond["data"]["total"] == 3
    assert sorted(item["task_id"] for item in items) == sorted(tasks)
    times = [item["submit_time"] for item in items]
    assert times == sorted(times, reverse=True)
    # Items are the tasks exactly as fetch answers them.
    for item in items:
        assert item == tasks[item["task_id"]]


def test_search_by_title_or_tag_any_case(
    server: LiveServer, library_owner: tuple[str, dict[str, dict[str, Any]]]
) -> None:
    key, tasks = library_owner
    some = next(iter(tasks.values()))
    title, tags = some["data"]["title"], some["data"]["tags"]
    with server.client(key) as api:
        for query in (title.upper(), tags.split(",")[0].strip().lower()):
            found = _page(api, q=query)["data"]
            assert some["task_id"] in [item["task_id"] for item in found["items"]]
            for item in found["items"]:
                text = (item["data"]["title"] + " " + item["data"]["tags"]).lower()
                assert query.lower() in text
        assert _page(api, q="%")["data"]["total"] == 0
        assert _page(api, q="zz-no-such-song-zz")["data"]["items"] == []
        assert _page(api, action="MUSIC")["data"]["total"] == 0
        assert _page(api, action="LYRICS")["data"]["total"] == 3


def test_other_keys_see_nothing_and_dialects_apply(
    server: LiveServer,
    library_owner: tuple[str, dict[str, dict[str, Any]]],
    make_key: Callable[..., str],
) -> None:
    key, _tasks = library_owner
    with server.client(make_key()) as stranger:
        assert _page(stranger)["data"] == {"items": [], "total": 0, "page": 1, "page_size": 20}
    with server.client(key) as api:
        goapi = _page(api, dialect="goapi")
    assert goapi["code"] == 200
    assert all("input" in item for item in goapi["data"]["items"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": 1000}, "page_size"),
        ({"action": "VIDEO"}, "action"),
        ({"q": "x" * 201}, "q"),
        ({"dialect": "yaml"}, "dialect"),
    ],
)
def test_bad_parameters_name_the_field(
    server: LiveServer, make_key: Callable[..., str], params: dict[str, Any], field: str
) -> None:
    with server.client(make_key()) as api:
        answer = api.get("/api/library", params=params)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["code"] == "invalid_request" and body["message"].startswith(f"{field}:")
    with server.client() as anonymous:
        assert anonymous.get("/api/library").status_code == 401
