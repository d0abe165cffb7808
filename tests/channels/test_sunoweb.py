"""SunoWebUpstream against a fake Clerk + studio API."""

from __future__ import annotations

import time

import httpx
import pytest
from fake_upstreams import FakeSunoWeb

from chorus.channels.sunoweb import REFRESH_MARGIN_S, SunoWebUpstream, jwt_expiry
from chorus.channels.upstream import UpstreamRejected


def web_for(fake: FakeSunoWeb, cookie: str = FakeSunoWeb.COOKIE, **kw: object) -> SunoWebUpstream:
    client = httpx.AsyncClient(timeout=5, trust_env=False)
    return SunoWebUpstream(client, cookie, studio_url=fake.base_url, clerk_url=fake.base_url,
                           **kw)  # type: ignore[arg-type]  # fmt: skip


async def test_generate_poll_and_credits(suno_web: FakeSunoWeb) -> None:
    web = web_for(suno_web)
    try:
        task_id = await web.submit_music(
            {"prompt": "[Verse]\nhi", "tags": "rock", "mv": "chirp-v4"}
        )
        assert len(task_id.split(",")) == 2
        first = (await web.fetch_many([task_id]))[task_id]
        assert first.status == "IN_PROGRESS"
        final = (await web.fetch_many([task_id]))[task_id]
        assert final.status == "SUCCESS" and [c.duration for c in final.clips] == [33.0, 33.0]
        assert await web.credits() == 50
        generate = [r for r in suno_web.requests if r[1] == "/api/generate/v2/"]
        assert generate[0][3]["mv"] == "chirp-v4" and generate[0][3]["tags"] == "rock"
        # One login, one token for all of it.
        assert len(suno_web.issued) == 1
    finally:
        await web.aclose()


async def test_lyrics(suno_web: FakeSunoWeb) -> None:
    web = web_for(suno_web)
    try:
        task_id = await web.submit_lyrics({"prompt": "moths"})
        assert (await web.fetch_many([task_id]))[task_id].status != "SUCCESS"
        task = (await web.fetch_many([task_id]))[task_id]
        assert task.status == "SUCCESS" and task.lyrics is not None
        assert task.lyrics.text == "[Verse]\nweb lyrics"
    finally:
        await web.aclose()


async def test_token_is_refreshed_before_it_expires(suno_web: FakeSunoWeb) -> None:
    suno_web.token_ttl_s = REFRESH_MARGIN_S + 1.0
    web = web_for(suno_web)
    try:
        await web.credits()
        assert len(suno_web.issued) == 1
        expiry = jwt_expiry(suno_web.issued[0])
        assert expiry is not None and expiry > time.time()
        time.sleep(1.2)  # inside the margin now: the next call must renew first
        await web.credits()
        assert len(suno_web.issued) == 2
        assert suno_web.stale_tokens_seen == 0
    finally:
        await web.aclose()


async def test_captcha_demand_is_a_clear_rejection(suno_web: FakeSunoWeb) -> None:
    suno_web.captcha = True
    web = web_for(suno_web)
    try:
        with pytest.raises(UpstreamRejected, match="captcha"):
            await web.submit_music({"prompt": "x"})
        assert not [r for r in suno_web.requests if r[1] == "/api/generate/v2/"]
    finally:
        await web.aclose()


async def test_token_validation_failed_is_a_rejection(suno_web: FakeSunoWeb) -> None:
    suno_web.token_failed = True
    web = web_for(suno_web)
    try:
        with pytest.raises(UpstreamRejected, match="token validation failed"):
            await web.submit_music({"prompt": "x"})
    finally:
        await web.aclose()


async def test_bad_cookie_is_a_rejection(suno_web: FakeSunoWeb) -> None:
    web = web_for(suno_web, cookie="__client=expired")
    try:
        with pytest.raises(UpstreamRejected, match="cookie"):
            await web.credits()
    finally:
        await web.aclose()
