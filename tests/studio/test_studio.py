"""The studio page in a real headless Chromium against a real ``chorus serve``: make a
song, watch it, hear it, follow its lyrics, find it in the library."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
from _browser import screenshot_path
from playwright.sync_api import expect

from live_server import LiveServer

SONG_TIMEOUT_MS = 180_000


def _save_key(page: Any, key: str) -> None:
    page.fill("#key", key)
    page.click("#key-form button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#key-state').textContent.includes('saved')"
    )


def _watch_progress(page: Any) -> list[int]:
    """Task progress values seen until the task finishes, sampled often."""
    seen: list[int] = []
    deadline = time.monotonic() + SONG_TIMEOUT_MS / 1000
    shot = False
    while time.monotonic() < deadline:
        value = int(page.eval_on_selector("#task-progress", "el => el.value"))
        status = page.text_content("#task-status") or ""
        if not seen or seen[-1] != value:
            seen.append(value)
        if 0 < value < 100 and not shot:
            page.screenshot(path=screenshot_path("02-progress"), full_page=True)
            shot = True
        if status.startswith(("Done", "Failed")):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the task did not finish; progress seen: {seen}")


def test_make_watch_play_and_find_a_song(page: Any, server: LiveServer, user_key: str) -> None:
    page.screenshot(path=screenshot_path("01-start"), full_page=True)
    _save_key(page, user_key)

    page.fill("#idea", "a lullaby about the sea")
    page.select_option("#duration", "10")
    page.click("#create")
    page.wait_for_selector("#task:not([hidden])")
    page.wait_for_function("() => location.hash.startsWith('#task=')")

    progress = _watch_progress(page)
    assert (page.text_content("#task-status") or "").startswith("Done"), progress
    assert any(0 < value < 100 for value in progress), f"progress never moved: {progress}"
    assert progress == sorted(progress), f"progress went backwards: {progress}"

    clips = page.locator("article.clip")
    expect(clips).to_have_count(2)
    first = clips.nth(0)
    first.locator(".clip-status", has_text="Ready").wait_for()
    expect(first.locator(".title")).to_have_text(re.compile(r"^\d+\. (?!Writing the song…).+"))
    title = (first.locator(".title").text_content() or "").split(". ", 1)[1]
    first.locator("img.cover:not([hidden])").wait_for()
    # The cover is loaded (and decodes to a real picture) once the browser got it.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=first.locator("img.cover").element_handle(),
    )
    expect(first.locator(".tags")).not_to_be_empty()

    # Word timings arrive; clicking the first sung word plays from there.
    word = first.locator(".lyrics .word").first
    word.wait_for()
    word.click()
    page.wait_for_function(
        """() => {
            const audio = document.querySelector('article.clip audio');
            return !audio.paused && audio.readyState >= 2 && audio.currentTime > 0.5;
        }""",
        timeout=20_000,
    )
    start = first.locator("audio").evaluate("a => a.currentTime")
    lit = first.locator(".lyrics .word.now")
    lit.first.wait_for()
    # One word at a time is lit while the song plays on.
    expect(lit).to_have_count(1)
    expect(lit).not_to_be_empty()
    page.wait_for_function(
        "start => document.querySelector('article.clip audio').currentTime > start",
        arg=start,
    )
    page.screenshot(path=screenshot_path("03-playing"), full_page=True)

    # Downloads point at files the server really serves.
    mp3 = first.locator(".downloads a", has_text="MP3").get_attribute("href")
    mp4 = first.locator(".downloads a", has_text="MP4").get_attribute("href")
    assert mp3 and mp4
    for url, kind in ((mp3, "audio/mpeg"), (mp4, "video/mp4")):
        answer = httpx.get(url, timeout=30)
        assert answer.status_code == 200 and answer.headers["content-type"] == kind

    # MIDI is offered when the server has the route, and then gives a real MIDI file.
    routes = httpx.get(f"{server.base_url}/openapi.json", timeout=10).json()["paths"]
    midi_button = first.locator(".downloads button", has_text="MIDI")
    if "/suno/act/midi/{clip_id}" in routes:
        midi_button.click()
        midi = first.locator(".downloads a", has_text="MIDI")
        midi.wait_for()
        answer = httpx.get(midi.get_attribute("href") or "", timeout=30)
        assert answer.status_code == 200 and answer.content[:4] == b"MThd"
    else:
        assert midi_button.count() == 0

    # The library lists the song, finds it by title, and survives a reload.
    page.click("#tab-library")
    page.wait_for_selector("#library-list li")
    expect(page.locator("#library-list")).to_contain_text(title)
    page.fill("#search", title.split()[-1])
    page.click("#search-form button")
    page.wait_for_function("() => location.hash.startsWith('#library?q=')")
    page.wait_for_function(
        f"() => document.querySelector('#library-list').textContent.includes({title!r})"
    )
    page.fill("#search", "zzqqxx-no-such-song")
    page.click("#search-form button")
    page.wait_for_function(
        "() => document.querySelector('#library-state').textContent.startsWith('No songs')"
    )
    expect(page.locator("#library-list li")).to_have_count(0)
    page.fill("#search", "")
    page.click("#search-form button")
    page.wait_for_selector("#library-list li")
    page.reload()
    page.wait_for_selector("#library-list li")
    expect(page.locator("#key-state")).to_contain_text("saved")
    page.screenshot(path=screenshot_path("04-library"), full_page=True)

    # Opening it from the library shows the song again.
    page.click(f"#library-list li a:has-text({title!r})")
    page.locator("article.clip .clip-status", has_text="Ready").first.wait_for()

    # Phone width: nothing sticks out sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("() => document.documentElement.scrollWidth <= 390")
    page.screenshot(path=screenshot_path("05-phone"), full_page=True)
    page.set_viewport_size({"width": 1200, "height": 900})
    assert page.errors == []


def test_custom_mode_writes_lyrics_then_extends(
    page: Any, server: LiveServer, user_key: str
) -> None:
    _save_key(page, user_key)
    page.check("input[name=mode][value=custom]")
    expect(page.locator("#lyrics")).to_be_visible()
    expect(page.locator("#idea")).to_be_hidden()
    page.fill("#lyrics-idea", "two friends on a night train")
    page.click("#write-lyrics")
    page.wait_for_function("() => document.querySelector('#lyrics').value.includes('[Verse]')")
    expect(page.locator("#title")).not_to_have_value("")
    expect(page.locator("#tags")).not_to_have_value("")
    # Section buttons put markers on their own line at the cursor.
    page.focus("#lyrics")
    page.keyboard.press("Control+End")
    page.click("button[data-section='[Bridge]']")
    expect(page.locator("#lyrics")).to_have_value(re.compile(r"\n\n\[Bridge\]\s*$"))
    page.screenshot(path=screenshot_path("06-custom"), full_page=True)

    page.select_option("#duration", "10")
    page.select_option("#voice", "female")
    page.click("#create")
    page.wait_for_selector("#task:not([hidden])")
    first_task = page.evaluate("location.hash")
    page.wait_for_function(
        "() => document.querySelector('#task-status').textContent.startsWith('Done')",
        timeout=SONG_TIMEOUT_MS,
    )
    clip = page.locator("article.clip").first
    clip.locator("details.extend summary").click()
    clip.locator(".extend-at").fill("4")
    clip.locator(".extend-form button[type=submit]").click()
    page.wait_for_function(
        f"() => location.hash.startsWith('#task=') && location.hash !== {first_task!r}"
    )
    page.wait_for_function(
        "() => document.querySelector('#task-status').textContent.startsWith('Done')",
        timeout=SONG_TIMEOUT_MS,
    )
    expect(page.locator("article.clip")).to_have_count(2)
    assert page.errors == []


def test_errors_are_said_plainly(page: Any) -> None:
    _save_key(page, "sk-this-key-does-not-exist")
    page.wait_for_selector("#alert:not([hidden])")
    expect(page.locator("#alert-text")).to_contain_text("API key was not accepted")
    # A song without an idea is refused before anything is sent, naming the field.
    page.click("#alert-close")
    page.click("#create")
    expect(page.locator("#alert-text")).to_contain_text("Song idea")
    page.wait_for_function("() => document.activeElement.id === 'idea'")
    # How each kind of refusal reads (the page's own wording, run in the browser).
    said = page.evaluate(
        """async () => {
            const api = await import('/studio/api.js');
            return [
                api.explain(new api.ApiError(402, 'quota_not_enough', 'x')),
                api.explain(new api.ApiError(403, 'insufficient_user_quota', 'x')),
                api.explain(new api.ApiError(429, 'rate_limited', 'x', 7)),
                api.explain(new api.ApiError(0, 'network', 'x')),
            ];
        }"""
    )
    assert said[0].startswith("Out of credits") and said[1].startswith("Out of credits")
    assert "Rate limited" in said[2] and "7 s" in said[2]
    assert "Cannot reach" in said[3]
    page.screenshot(path=screenshot_path("07-error"), full_page=True)


def test_keyboard_reaches_every_control(page: Any) -> None:
    reached: set[str] = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.name || ''"))
    assert {"key", "idea", "instrumental", "voice", "duration", "create"} <= reached


def test_static_files_are_cached_and_offline(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        # Everything the page loads is on this server: no CDN.
        assert "http" not in page.text.replace("http-equiv", "")
        for name in ("studio.js", "api.js", "task.js", "karaoke.js", "library.js", "studio.css"):
            answer = client.get(f"/studio/{name}")
            assert answer.status_code == 200, name
            etag = answer.headers["etag"]
            assert answer.headers["cache-control"] == "no-cache"
            again = client.get(f"/studio/{name}", headers={"If-None-Match": etag})
            assert again.status_code == 304 and not again.content
        missing = client.get("/studio/../app.py")
        assert missing.status_code == 404
        assert client.get("/studio/nope.js").json()["code"] == "not_found"
