"""A Suno account as a channel: the web app's own API, logged in with the account's cookie.

The cookie is exchanged with Clerk (Suno's login service) for a session id
(``GET {clerk}/v1/client``), and the session for a short-lived JWT
(``POST {clerk}/v1/client/sessions/{sid}/tokens``), renewed before it expires. With it:
``POST {studio}/api/generate/v2/`` makes two clips, ``GET {studio}/api/feed/v2?ids=``
polls them, ``/api/generate/lyrics/`` writes lyrics and ``/api/billing/info/`` tells the
credits left. A generation demanding a captcha, or an answer saying the token failed
validation, raises :class:`UpstreamRejected` with a reason: nothing here waits for a
human.

Upstream task ids are the clip ids joined by commas (MUSIC) or ``lyrics:<id>`` (LYRICS).
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable, Sequence
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import quote

import httpx

from chorus.channels.upstream import (
    UpstreamLost,
    UpstreamRejected,
    UpstreamUnavailable,
    translate,
)
from chorus.client import _clips
from chorus.client.dialects import parse_task
from chorus.client.errors import ClientError, make_error
from chorus.client.models import Task

CLERK_URL = "https://clerk.suno.com"
STUDIO_URL = "https://studio-api.prod.suno.com"
CLERK_VERSION = "5.15.0"
LYRICS_PREFIX = "lyrics:"
# Renew the JWT this long before it expires, so no request carries a dying token.
REFRESH_MARGIN_S = 30.0
_DEFAULT_TTL_S = 60.0
_FEED_CHUNK = 20
_TOKEN_FAILED = "token validation failed"
_CAPTCHA = ("captcha", "hcaptcha", "turnstile")


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (Unix seconds), read without checking the signature."""
    try:
        part = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None


def _client_cookie(cookie: str) -> str:
    try:
        jar = SimpleCookie()
        jar.load(cookie)
    except CookieError:
        return ""
    morsel = jar.get("__client")
    return morsel.value if morsel is not None else ""


class SunoWebUpstream:
    def __init__(
        self,
        client: httpx.AsyncClient,
        cookie: str,
        *,
        studio_url: str = STUDIO_URL,
        clerk_url: str = CLERK_URL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._cookie = cookie.strip()
        self._studio = studio_url.rstrip("/")
        self._clerk_url = clerk_url.rstrip("/")
        self._clock = clock
        self._sid: str | None = None
        self._jwt: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    # -- login ---------------------------------------------------------------------------

    def _clerk_headers(self) -> dict[str, str]:
        headers = {"Cookie": self._cookie, "Accept": "application/json"}
        client_token = _client_cookie(self._cookie)
        if client_token:
            headers["Authorization"] = client_token
        return headers

    async def _clerk(self, method: str, path: str) -> dict[str, Any]:
        url = f"{self._clerk_url}{path}?_is_native=true&_clerk_js_version={CLERK_VERSION}"
        body = await self._send(method, url, headers=self._clerk_headers())
        if not isinstance(body, dict):
            raise UpstreamUnavailable("the login service answered no JSON object")
        return body

    async def token(self) -> str:
        """A JWT valid for at least :data:`REFRESH_MARGIN_S` more seconds."""
        async with self._lock:
            if self._jwt is not None and self._clock() < self._expires - REFRESH_MARGIN_S:
                return self._jwt
            if self._sid is None:
                answer = await self._clerk("GET", "/v1/client")
                session = answer.get("response")
                sid = session.get("last_active_session_id") if isinstance(session, dict) else None
                if not isinstance(sid, str) or not sid:
                    raise UpstreamRejected(
                        "the Suno cookie has no active session; log in again and update it"
                    )
                self._sid = sid
            answer = await self._clerk("POST", f"/v1/client/sessions/{quote(self._sid)}/tokens")
            jwt = answer.get("jwt")
            if not isinstance(jwt, str) or not jwt:
                self._sid = None
                raise UpstreamRejected("the Suno session gave no token; update the cookie")
            self._jwt = jwt
            self._expires = jwt_expiry(jwt) or self._clock() + _DEFAULT_TTL_S
            return jwt

    def _forget_token(self) -> None:
        self._jwt = None
        self._expires = 0.0

    # -- requests ------------------------------------------------------------------------

    async def _send(
        self, method: str, url: str, *, headers: dict[str, str], body: Any = None
    ) -> Any:
        try:
            response = await self._client.request(method, url, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise UpstreamUnavailable(f"timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(f"unreachable ({type(exc).__name__})") from None
        try:
            payload = response.json()
        except (ValueError, UnicodeDecodeError):
            payload = None
        text = json.dumps(payload).lower() if payload is not None else ""
        if _TOKEN_FAILED in text:
            self._forget_token()
            raise UpstreamRejected("Suno refused the session: token validation failed")
        if response.status_code >= 400 and any(word in text for word in _CAPTCHA):
            raise UpstreamRejected("Suno demands a captcha for this account")
        if response.status_code == 401:
            self._forget_token()
            raise UpstreamRejected("Suno refused the login (HTTP 401); update the cookie")
        if response.status_code >= 400:
            detail = _detail(payload) or f"HTTP {response.status_code}"
            raise translate(_client_error(response.status_code, detail))
        if payload is None:
            raise UpstreamUnavailable(f"answered HTTP {response.status_code} with no JSON")
        return payload

    async def _studio_call(self, method: str, path: str, body: Any = None) -> Any:
        jwt = await self.token()
        headers = {"Authorization": f"Bearer {jwt}", "Accept": "application/json"}
        return await self._send(method, f"{self._studio}{path}", headers=headers, body=body)

    async def captcha_required(self) -> bool:
        answer = await self._studio_call("POST", "/api/c/check", {"ctype": "generation"})
        return isinstance(answer, dict) and bool(answer.get("required"))

    async def credits(self) -> int | None:
        """Credits left on the account, if Suno says."""
        answer = await self._studio_call("GET", "/api/billing/info/")
        left = answer.get("total_credits_left") if isinstance(answer, dict) else None
        return int(left) if isinstance(left, int | float) and not isinstance(left, bool) else None

    # -- the Upstream protocol -----------------------------------------------------------

    async def submit_music(self, body: dict[str, Any]) -> str:
        if await self.captcha_required():
            raise UpstreamRejected("Suno demands a captcha for this account")
        payload: dict[str, Any] = {
            "make_instrumental": bool(body.get("make_instrumental")),
            "mv": body.get("mv") or "chirp-v3-5",
            "prompt": body.get("prompt") or "",
            "generation_type": "TEXT",
            "token": None,
        }
        for name in ("gpt_description_prompt", "tags", "negative_tags", "title"):
            if body.get(name):
                payload[name] = body[name]
        if body.get("continue_clip_id"):
            payload.update(
                task="extend",
                continue_clip_id=body["continue_clip_id"],
                continue_at=body.get("continue_at"),
            )
        answer = await self._studio_call("POST", "/api/generate/v2/", payload)
        clips = answer.get("clips") if isinstance(answer, dict) else None
        ids = [c.get("id") for c in clips if isinstance(c, dict)] if isinstance(clips, list) else []
        if not ids or not all(isinstance(i, str) and i for i in ids):
            raise UpstreamUnavailable("Suno's generate answer holds no clips")
        return ",".join(str(i) for i in ids)

    async def submit_lyrics(self, body: dict[str, Any]) -> str:
        answer = await self._studio_call(
            "POST", "/api/generate/lyrics/", {"prompt": body.get("prompt") or ""}
        )
        lyrics_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(lyrics_id, str) or not lyrics_id:
            raise UpstreamUnavailable("Suno's lyrics answer holds no id")
        return LYRICS_PREFIX + lyrics_id

    async def fetch_many(self, ids: Sequence[str]) -> dict[str, Task]:
        found: dict[str, Task] = {}
        music = [i for i in dict.fromkeys(ids) if not i.startswith(LYRICS_PREFIX)]
        for task_id in dict.fromkeys(ids):
            if task_id.startswith(LYRICS_PREFIX):
                task = await self._fetch_lyrics(task_id)
                if task is not None:
                    found[task_id] = task
        clip_ids = [clip_id for task_id in music for clip_id in task_id.split(",")]
        clips: dict[str, dict[str, Any]] = {}
        for start in range(0, len(clip_ids), _FEED_CHUNK):
            chunk = ",".join(clip_ids[start : start + _FEED_CHUNK])
            answer = await self._studio_call("GET", f"/api/feed/v2?ids={quote(chunk, safe=',')}")
            listed = answer.get("clips") if isinstance(answer, dict) else answer
            for clip in listed if isinstance(listed, list) else []:
                if isinstance(clip, dict) and isinstance(clip.get("id"), str):
                    clips[clip["id"]] = clip
        for task_id in music:
            raw = [clips[i] for i in task_id.split(",") if i in clips]
            if raw:
                found[task_id] = _read(raw, task_id)
        return found

    async def _fetch_lyrics(self, task_id: str) -> Task | None:
        lyrics_id = task_id.removeprefix(LYRICS_PREFIX)
        try:
            answer = await self._studio_call("GET", f"/api/generate/lyrics/{quote(lyrics_id)}")
        except UpstreamLost:
            return None
        if not isinstance(answer, dict):
            raise UpstreamUnavailable("Suno's lyrics answer is not an object")
        status = _clips.clip_status(answer.get("status")) or "submitted"
        if status == "complete" and not answer.get("text"):
            status = "streaming"
        obj = {"task_id": task_id, "action": "LYRICS", "data": {**answer, "status": status}}
        return _read(obj, task_id)

    async def aclose(self) -> None:
        await self._client.aclose()


def _read(payload: Any, task_id: str) -> Task:
    try:
        return parse_task(payload, task_id=task_id)
    except ClientError as exc:
        raise translate(exc) from None


def _detail(payload: Any) -> str:
    if isinstance(payload, dict):
        for key in ("detail", "message", "error"):
            value = payload.get(key)
            if isinstance(value, str) and value:
                return value
    return ""


def _client_error(status: int, detail: str) -> ClientError:
    return make_error(status, None, detail)
