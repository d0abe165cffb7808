"""End to end: a real ``chorus serve`` with relay channels in front of the engine."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_upstreams import AUDIO_SIZE, FakeUpstream, media_bytes

from chorus.channels.poller import MIN_ROUND_GAP_S
from live_server import ADMIN_KEY, LiveServer, fetch, submit, wait_until
from seed_shapes import seed, shape_problems

TIMEOUT_S = 4.0
SEEDS = {"suno": "000_suno", "flat": "002_flat", "goapi": "001_goapi"}


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, FakeUpstream]]:
    started = {"primary": FakeUpstream("goapi"), "secondary": FakeUpstream("flat")}
    for fake in started.values():
        fake.start()
    yield started
    for fake in started.values():
        fake.stop()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory,
         fakes: dict[str, FakeUpstream]) -> Iterator[LiveServer]:  # fmt: skip
    server = LiveServer(
        tmp_path_factory.mktemp("channels-e2e"),
        CHORUS_UPSTREAM_POLL_S="0.2",
        CHORUS_UPSTREAM_TIMEOUT_S=str(TIMEOUT_S),
        CHORUS_UPSTREAM_REQUEST_TIMEOUT_S="1",
        CHORUS_BREAKER_FAILURES="2",
        CHORUS_BREAKER_RESET_S="2",
    ).start()
    with server.client(ADMIN_KEY) as admin:
        for priority, name in ((20, "primary"), (10, "secondary")):
            fake = fakes[name]
            answer = admin.post("/admin/channels", json={
                "name": name, "kind": "relay", "base_url": fake.base_url,
                "secret": fake.key, "priority": priority})  # fmt: skip
            assert answer.status_code == 201, answer.text
            assert "secret" not in answer.json() and answer.json()["has_secret"]
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def admin(live: LiveServer, fakes: dict[str, FakeUpstream]) -> Iterator[httpx.Client]:
    with live.client(ADMIN_KEY) as client:
        for name in ("primary", "secondary", "local"):
            client.patch(f"/admin/channels/{name}", json={"enabled": True})
        yield client
    for fake in fakes.values():
        fake.script.statuses.clear()
        fake.script.always = None
        fake.script.delay_s = 0


@pytest.fixture
def user(live: LiveServer) -> Iterator[httpx.Client]:
    name = f"relay-user-{time.monotonic_ns()}"
    key = live.new_key(name, credits=1000)
    with live.client(key) as client:
        client.headers["X-Test-Key-Name"] = name
        yield client


def admin_task(admin: httpx.Client, task_id: str) -> dict[str, Any]:
    answer = admin.get(f"/admin/tasks/{task_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def submits(fake: FakeUpstream) -> int:
    return len([r for r in fake.api_requests("/suno/submit/")])


def credits(admin: httpx.Client, user: httpx.Client) -> int:
    """The user's balance (the key's name travels on its client for this)."""
    answer = admin.get(f"/admin/keys/{user.headers['X-Test-Key-Name']}")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["credits"])


@contextlib.contextmanager
def relay_only(data_dir: Path, fake: FakeUpstream, **env: str) -> Iterator[LiveServer]:
    """A server of its own whose one channel is ``fake`` (the engine here disabled)."""
    server = LiveServer(data_dir, **env).start()
    try:
        with server.client(ADMIN_KEY) as admin:
            admin.patch("/admin/channels/local", json={"enabled": False})
            channel = {"name": "far", "kind": "relay", "base_url": fake.base_url,
                       "secret": fake.key}  # fmt: skip
            answer = admin.post("/admin/channels", json=channel)
            assert answer.status_code == 201, answer.text
        yield server
    finally:
        server.stop()


def test_relayed_task_succeeds_with_mirrored_media(
    live: LiveServer, admin: httpx.Client, user: httpx.Client, fakes: dict[str, FakeUpstream]
) -> None:
    task_id = submit(user, {"gpt_description_prompt": "a song about lighthouses"})
    progress: list[int] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        data = fetch(user, task_id)["data"]
        progress.append(int(data["progress"].rstrip("%")))
        if data["status"] in ("SUCCESS", "FAILURE"):
            break
        time.sleep(0.05)
    assert data["status"] == "SUCCESS", data
    assert progress == sorted(progress) and progress[-1] == 100
    info = admin_task(admin, task_id)
    assert info["channel"] == "primary"
    assert info["upstream_task_id"] in fakes["primary"].tasks
    upstream = fakes["primary"].tasks[info["upstream_task_id"]]
    assert [c["upstream_clip_id"] for c in info["clips"]] == list(upstream.clip_ids)
    found = admin.get("/admin/tasks", params={"upstream_task_id": upstream.task_id}).json()
    assert [t["task_id"] for t in found] == [task_id]
    assert task_id in [t["task_id"] for t in admin.get(
        "/admin/tasks", params={"channel": "primary"}).json()]  # fmt: skip
    # Our URLs, serving the upstream's bytes, even once the upstream is gone.
    for clip, upstream_clip in zip(data["data"], upstream.clip_ids, strict=True):
        assert clip["audio_url"].startswith(live.base_url)
        fakes["primary"].script.always = 500
        audio = httpx.get(clip["audio_url"], timeout=10)
        fakes["primary"].script.always = None
        assert audio.status_code == 200
        assert audio.content == media_bytes(f"{upstream_clip}.mp3", len(audio.content))
    text = fetch(user, task_id)["data"].__repr__()
    for dialect in ("suno", "flat", "goapi"):
        text += repr(fetch(user, task_id, dialect=dialect))
    for fake in fakes.values():
        assert fake.base_url.removeprefix("http://") not in text
        assert fake.key not in text
    assert upstream.task_id not in text


@pytest.mark.parametrize("refusals", [0, 2])
def test_a_listener_hears_a_relayed_clip_while_the_upstream_makes_it(
    tmp_path: Path, make_upstream: Callable[..., FakeUpstream], refusals: int
) -> None:
    fake = make_upstream("goapi")
    # A stream the upstream refuses at first (not ready yet) is asked for again next round.
    fake.script.live_refusals = refusals
    with (
        relay_only(tmp_path, fake, CHORUS_UPSTREAM_POLL_S="0.2") as server,
        server.client(ADMIN_KEY) as admin,
        server.client(server.new_key("listening", credits=100)) as user,
    ):
        task_id = submit(user, {"gpt_description_prompt": "a live song about ferries"})
        deadline = time.monotonic() + 20
        clip: dict[str, Any] | None = None
        while clip is None and time.monotonic() < deadline:
            clips = fetch(user, task_id)["data"]["data"]
            clip = next((c for c in clips if c["audio_url"].endswith("/stream.mp3")), None)
            time.sleep(0.02)
        assert clip is not None
        # The listener may come before the upstream streams: our stream waits for it.
        with httpx.stream("GET", clip["audio_url"], timeout=20) as response:
            assert response.status_code == 200
            pieces = response.iter_bytes()
            heard = next(pieces)
            # Heard while the upstream still makes the song (it finishes only once its
            # stream has been played to the end).
            assert fetch(user, task_id)["data"]["status"] != "SUCCESS"
            heard += b"".join(pieces)
        info = admin_task(admin, task_id)
        ours = {c["id"]: c["upstream_clip_id"] for c in info["clips"]}
        assert heard == media_bytes(f"{ours[clip['id']]}.mp3", AUDIO_SIZE)
        assert fake.media_requests.count(f"live/{ours[clip['id']]}.mp3") == refusals + 1
        done = wait_until(user, [task_id], timeout_s=20)[task_id]
        assert done["status"] == "SUCCESS", done["fail_reason"]
        # The clip nobody listened to was not copied while it streamed.
        others = [up for mine, up in ours.items() if mine != clip["id"]]
        assert others and all(f"live/{other}.mp3" not in fake.media_requests for other in others)
        # The stream URL, asked again, and the final file are the same song.
        assert httpx.get(clip["audio_url"], timeout=10).content == heard
        final = next(c for c in done["data"] if c["id"] == clip["id"])
        assert httpx.get(final["audio_url"], timeout=10).content == heard


def test_a_listener_does_not_wait_for_the_next_poll(
    tmp_path: Path, make_upstream: Callable[..., FakeUpstream]
) -> None:
    fake = make_upstream("flat")
    with (
        relay_only(tmp_path, fake, CHORUS_UPSTREAM_POLL_S="60") as server,
        server.client(server.new_key("listener", credits=100)) as user,
    ):
        task_id = submit(user, {"gpt_description_prompt": "a live song, heard at once"})
        # The relay itself wakes the poller once: the upstream says it is streaming.
        deadline = time.monotonic() + 20
        clips: list[dict[str, Any]] = []
        while not any(c["status"] == "streaming" for c in clips):
            assert time.monotonic() < deadline, clips
            clips = fetch(user, task_id)["data"]["data"]
            time.sleep(0.05)
        began = time.monotonic()
        with httpx.stream("GET", clips[0]["audio_url"], timeout=20) as response:
            first = next(response.iter_bytes())
        # Heard long before the next poll (a minute away) would have started the copy.
        assert first and time.monotonic() - began < 20
        # Listeners wake the poller, but however many come, its rounds (each a fetch
        # upstream) stay at least MIN_ROUND_GAP_S apart.
        fetches = len(fake.api_requests("/suno/fetch"))
        began = time.monotonic()
        for _ in range(30):
            with httpx.stream("GET", clips[1]["audio_url"], timeout=20) as response:
                next(response.iter_bytes(), b"")
        elapsed = time.monotonic() - began
        rounds = len(fake.api_requests("/suno/fetch")) - fetches
        assert rounds <= elapsed / MIN_ROUND_GAP_S + 2, (rounds, elapsed)


def test_failover_on_500_429_and_timeout_charges_once(
    admin: httpx.Client, user: httpx.Client, fakes: dict[str, FakeUpstream]
) -> None:
    primary, secondary = fakes["primary"], fakes["secondary"]
    start = credits(admin, user)
    straight = submit(user, {"prompt": "[Verse]\nstraight", "tags": "rock", "title": "S"})
    wait_until(user, [straight], timeout_s=20)
    price = start - credits(admin, user)
    for misbehave in ({"statuses": [500]}, {"statuses": [429]}, {"delay_s": 1.5}):
        before = (submits(primary), submits(secondary))
        for name, value in misbehave.items():
            setattr(primary.script, name, value)
        balance = credits(admin, user)
        task_id = submit(user, {"prompt": "[Verse]\nfail me over", "tags": "rock", "title": "F"})
        done = wait_until(user, [task_id], timeout_s=20)[task_id]
        primary.script.delay_s = 0
        assert done["status"] == "SUCCESS", (misbehave, done)
        assert admin_task(admin, task_id)["channel"] == "secondary"
        assert (submits(primary), submits(secondary)) == (before[0] + 1, before[1] + 1)
        time.sleep(0.3)  # a slow answer still arriving must not count twice
        assert balance - credits(admin, user) == price
        # A success on the primary resets its failure count before the next case.
        wait_until(user, [submit(user, {"prompt": "[Verse]\nok", "title": "O"})], timeout_s=20)


def test_breaker_opens_and_probes_back(
    admin: httpx.Client, user: httpx.Client, fakes: dict[str, FakeUpstream]
) -> None:
    primary = fakes["primary"]
    primary.script.always = 500
    first = submits(primary)
    for i in range(3):  # one after the other, so each sees the breaker the last one left
        wait_until(user, [submit(user, {"prompt": f"[Verse]\nbreak {i}", "title": "B"})])
    # Two failures opened the circuit: the third task went straight to the secondary.
    assert submits(primary) == first + 2
    states = {c["name"]: c["state"] for c in admin.get("/admin/channels").json()}
    assert states["primary"] == "open"
    primary.script.always = None
    time.sleep(2.2)
    probe = submit(user, {"prompt": "[Verse]\nprobe", "title": "P"})
    wait_until(user, [probe], timeout_s=20)
    assert admin_task(admin, probe)["channel"] == "primary"
    states = {c["name"]: c["state"] for c in admin.get("/admin/channels").json()}
    assert states["primary"] == "closed"


def test_stuck_and_forgotten_tasks_fail_with_a_reason(
    admin: httpx.Client, user: httpx.Client
) -> None:
    balance = credits(admin, user)
    stuck = submit(user, {"prompt": "[Verse]\nstuck forever", "title": "S"})
    lost = submit(user, {"prompt": "[Verse]\nforget this one", "title": "L"})
    started = time.monotonic()
    done = wait_until(user, [stuck, lost], timeout_s=TIMEOUT_S + 15)
    assert done[stuck]["status"] == "FAILURE"
    assert "did not finish" in done[stuck]["fail_reason"]
    assert time.monotonic() - started >= TIMEOUT_S - 1.5
    assert all(clip["status"] == "error" for clip in done[stuck]["data"])
    assert done[lost]["status"] == "FAILURE" and "lost" in done[lost]["fail_reason"]
    # Failed tasks are refunded (whatever a task costs, the balance is back).
    assert credits(admin, user) == balance


def test_extend_goes_to_the_channel_that_made_the_clip(
    admin: httpx.Client, user: httpx.Client, fakes: dict[str, FakeUpstream]
) -> None:
    admin.patch("/admin/channels/primary", json={"enabled": False})
    source = submit(user, {"prompt": "[Verse]\nmade on secondary", "title": "X"})
    made = wait_until(user, [source], timeout_s=20)[source]
    assert admin_task(admin, source)["channel"] == "secondary"
    admin.patch("/admin/channels/primary", json={"enabled": True})
    clip = made["data"][0]
    extension = submit(user, {"continue_clip_id": clip["id"], "continue_at": 10.0,
                              "task_id": source, "task": "extend",
                              "prompt": "[Verse]\nand on"})  # fmt: skip
    done = wait_until(user, [extension], timeout_s=20)[extension]
    assert done["status"] == "SUCCESS", done
    info = admin_task(admin, extension)
    assert info["channel"] == "secondary"
    sent = [b for m, p, b in fakes["secondary"].api_requests("/suno/submit/music")][-1]
    upstream_source = admin_task(admin, source)
    assert sent["continue_clip_id"] == upstream_source["clips"][0]["upstream_clip_id"]
    assert sent["task_id"] == upstream_source["upstream_task_id"]
    assert sent["continue_at"] == 10.0 and sent["task"] == "extend"


def test_no_channel_left_fails_the_task(admin: httpx.Client, user: httpx.Client) -> None:
    for name in ("primary", "secondary", "local"):
        admin.patch(f"/admin/channels/{name}", json={"enabled": False})
    task_id = submit(user, {"prompt": "[Verse]\nnowhere", "title": "N"})
    done = wait_until(user, [task_id], timeout_s=20)[task_id]
    assert done["status"] == "FAILURE" and "no channel" in done["fail_reason"]


@pytest.mark.slow
def test_relayed_task_answers_every_dialect_like_a_local_one(
    admin: httpx.Client, user: httpx.Client
) -> None:
    relayed = submit(user, {"gpt_description_prompt": "a relayed song", "duration": 10})
    wait_until(user, [relayed], timeout_s=20)
    for name in ("primary", "secondary"):
        admin.patch(f"/admin/channels/{name}", json={"enabled": False})
    local = submit(user, {"gpt_description_prompt": "a local song", "duration": 10})
    wait_until(user, [local], timeout_s=240)
    assert admin_task(admin, local)["channel"] == "local"
    for dialect, seed_name in SEEDS.items():
        ours = fetch(user, relayed, dialect=dialect)
        theirs = fetch(user, local, dialect=dialect)
        maps = ("$.data.clips",)
        assert shape_problems(seed(seed_name), ours, id_maps=maps) == []
        assert shape_problems(theirs, ours, id_maps=maps) == []
        assert shape_problems(ours, theirs, id_maps=maps) == []


def test_without_mirroring_complete_files_redirect_to_the_upstream(
    tmp_path: Path, make_upstream: Callable[..., FakeUpstream]
) -> None:
    fake = make_upstream("suno")
    env = {"CHORUS_UPSTREAM_POLL_S": "0.2", "CHORUS_MIRROR_MEDIA": "false"}
    with relay_only(tmp_path, fake, **env) as server:
        with server.client(server.new_key("unmirrored", credits=100)) as user:
            task_id = submit(user, {"prompt": "[Verse]\nfar away", "title": "Far"})
            done = wait_until(user, [task_id], timeout_s=20)[task_id]
        assert done["status"] == "SUCCESS", done
        upstream = next(iter(fake.tasks.values()))
        for clip, upstream_clip in zip(done["data"], upstream.clip_ids, strict=True):
            assert clip["audio_url"].startswith(server.base_url)
            moved = httpx.get(clip["audio_url"], timeout=10)
            assert moved.status_code == 302
            assert moved.headers["location"] == f"{fake.base_url}/cdn/{upstream_clip}.mp3"
            audio = httpx.get(clip["audio_url"], timeout=10, follow_redirects=True)
            assert audio.content == media_bytes(f"{upstream_clip}.mp3", AUDIO_SIZE)
            cover = httpx.get(clip["image_large_url"], timeout=10, follow_redirects=True)
            assert cover.content == media_bytes(f"image_large_{upstream_clip}.jpeg", 2000)
        # Nothing was copied.
        assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


def test_an_upstream_cannot_point_this_server_at_its_private_network(
    tmp_path: Path, make_upstream: Callable[..., FakeUpstream]
) -> None:
    # The channel is 127.0.0.1; its answers name "localhost" (this machine) for the media.
    fake = make_upstream("flat", media_host="localhost")
    env = {"CHORUS_UPSTREAM_POLL_S": "0.2", "CHORUS_UPSTREAM_TIMEOUT_S": "60"}
    with relay_only(tmp_path, fake, **env) as server, server.client(ADMIN_KEY) as admin:
        with server.client(server.new_key("pointed", credits=50)) as user:
            task_id = submit(user, {"prompt": "[Verse]\nfetch me that", "title": "P"})
            done = wait_until(user, [task_id], timeout_s=20)[task_id]
        assert done["status"] == "FAILURE", done
        # At once, saying why (asking again would not help); the charge is given back.
        assert done["fail_reason"] == "upstream: its media is on a private network"
        assert admin.get("/admin/keys/pointed").json()["credits"] == 50
    assert fake.media_requests == []
    assert "'localhost' is on a private network" in (tmp_path / "server.log").read_text()
