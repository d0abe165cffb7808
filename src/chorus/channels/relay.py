"""A relay channel: any provider speaking this same API (``/suno/submit/*``,
``/suno/fetch``, ``/suno/fetch/{id}``).

The answer's shape (suno, flat, goapi, or the bare clip list of the open-source gateway)
is detected per answer by :mod:`chorus.client.dialects`, never configured. Batch fetch is
one ``POST /suno/fetch`` per call; a relay without it (404/405), or answering bare clips
that cannot be told apart by task, is fetched one ``GET /suno/fetch/{id}`` at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx

from chorus.channels.upstream import (
    UpstreamLost,
    UpstreamRefused,
    UpstreamUnavailable,
    scrub,
    translate,
)
from chorus.client.dialects import check_envelope, parse_submit, parse_task, parse_tasks
from chorus.client.errors import ClientError, InvalidResponse
from chorus.client.models import Task

log = logging.getLogger(__name__)

USER_AGENT = "Chorus-Relay/1"


class RelayUpstream:
    """``base_url`` is the relay's API root; ``secret`` its API key."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, secret: str) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        auth = secret if secret[:7].lower() == "bearer " else f"Bearer {secret}"
        self._headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if secret:
            self._headers["Authorization"] = auth
        self._batch = True

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = await self._client.request(
                method, self._base + path, json=body, headers=self._headers
            )
        except httpx.TimeoutException as exc:
            raise UpstreamUnavailable(f"timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise UpstreamUnavailable(f"unreachable ({type(exc).__name__})") from None
        try:
            payload = response.json()
        except (ValueError, UnicodeDecodeError):
            payload = None
        try:
            check_envelope(payload, status_code=response.status_code, headers=response.headers)
        except ClientError as exc:
            raise translate(exc) from None
        if payload is None:
            raise UpstreamUnavailable(f"answered HTTP {response.status_code} with no JSON")
        return payload

    @staticmethod
    def _read(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ClientError as exc:
            raise translate(exc) from None

    async def submit_music(self, body: dict[str, Any]) -> str:
        payload = await self._call("POST", "/suno/submit/music", body)
        task_id: str = self._read(parse_submit, payload)
        return task_id

    async def submit_lyrics(self, body: dict[str, Any]) -> str:
        payload = await self._call("POST", "/suno/submit/lyrics", body)
        task_id: str = self._read(parse_submit, payload)
        return task_id

    async def fetch_one(self, task_id: str) -> Task:
        payload = await self._call("GET", f"/suno/fetch/{quote(task_id, safe=',')}")
        task: Task = self._read(parse_task, payload, task_id=task_id)
        return task

    async def fetch_many(self, ids: Sequence[str]) -> dict[str, Task]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        if self._batch:
            try:
                found = await self._fetch_batch(wanted)
            except (UpstreamLost, UpstreamRefused):
                # No batch route (404/405): this relay is fetched task by task from now on.
                self._batch = False
            else:
                if found is not None:
                    return found
        return await self._fetch_each(wanted)

    async def _fetch_batch(self, ids: list[str]) -> dict[str, Task] | None:
        payload = await self._call("POST", "/suno/fetch", {"ids": ids})
        tasks: list[Task] = self._read(parse_tasks, payload)
        if any(task.dialect == "clips" for task in tasks):
            return _by_clip_ids(tasks, ids)
        # Relays may reorder, repeat or leak other tasks: keep what was asked, by id.
        return {task.task_id: task for task in tasks if task.task_id in ids}

    async def _fetch_each(self, ids: list[str]) -> dict[str, Task]:
        found: dict[str, Task] = {}
        for task_id in ids:
            try:
                found[task_id] = await self.fetch_one(task_id)
            except UpstreamLost:
                continue
        return found

    async def aclose(self) -> None:
        await self._client.aclose()


def _by_clip_ids(tasks: list[Task], ids: list[str]) -> dict[str, Task] | None:
    """Bare clips answered for a batch: a gateway's task id is its clips' ids joined by
    commas, so each clip goes back to the task naming it. None when that fails."""
    clips = [clip for task in tasks for clip in task.clips]
    owner = {clip_id: task_id for task_id in ids for clip_id in task_id.split(",")}
    grouped: dict[str, list[Any]] = {}
    for clip in clips:
        task_id = owner.get(clip.id)
        if task_id is not None:
            grouped.setdefault(task_id, []).append(clip.raw)
    if not grouped:
        return None
    found: dict[str, Task] = {}
    for task_id, raw in grouped.items():
        try:
            found[task_id] = parse_task(raw, task_id=task_id)
        except (ClientError, InvalidResponse) as exc:
            log.warning("upstream clips unreadable: %s", scrub(str(exc)))
    return found
