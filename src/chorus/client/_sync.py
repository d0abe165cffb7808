"""The blocking client."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from chorus.client import _core
from chorus.client.errors import ClientError
from chorus.client.models import Clip, Task

T = TypeVar("T")


class Client:
    """A blocking client of the Suno task API (Chorus or any relay speaking it).

    ``transport`` or ``http_client`` replace the network (an ``httpx.MockTransport``, a
    client with its own proxies...); a given ``http_client`` is not closed by :meth:`close`.
    """

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeout: float = 30,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url
        self._headers = _core.headers(key)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            timeout=timeout, transport=transport, follow_redirects=True
        )

    def _send(self, call: _core.Call[T]) -> T:
        try:
            response = self._http.request(
                call.method,
                _core.url(self.base_url, call.path),
                json=call.json,
                headers=self._headers,
            )
        except httpx.HTTPError as exc:
            raise _core.transport_error(exc) from exc
        return call.parse(_core.decode(response))

    def submit_music(
        self,
        *,
        prompt: str | None = None,
        gpt_description_prompt: str | None = None,
        tags: str | None = None,
        negative_tags: str | None = None,
        title: str | None = None,
        mv: str | None = None,
        make_instrumental: bool | None = None,
        continue_clip_id: str | None = None,
        continue_at: float | None = None,
        task_id: str | None = None,
        notify_hook: str | None = None,
        **extra: Any,
    ) -> str:
        """Start a MUSIC task; returns its task id. Fields left None are not sent; ``extra``
        fields are sent as given (a server's own options, such as Chorus's ``duration``)."""
        return self._send(
            _core.submit_music(
                prompt=prompt,
                gpt_description_prompt=gpt_description_prompt,
                tags=tags,
                negative_tags=negative_tags,
                title=title,
                mv=mv,
                make_instrumental=make_instrumental,
                continue_clip_id=continue_clip_id,
                continue_at=continue_at,
                task_id=task_id,
                notify_hook=notify_hook,
                extra=extra,
            )
        )

    def submit_lyrics(self, prompt: str, notify_hook: str | None = None) -> str:
        """Start a LYRICS task; returns its task id."""
        return self._send(_core.submit_lyrics(prompt, notify_hook))

    def fetch(self, task_id: str) -> Task:
        """The task as it is now."""
        return self._send(_core.fetch(task_id))

    def fetch_many(self, ids: Sequence[str], action: str | None = None) -> list[Task]:
        """Several tasks in one request, in the order of ``ids`` (unknown ids are left out)."""
        if not ids:
            return []
        return self._send(_core.fetch_many(ids, action))

    def wait(
        self,
        task_id: str,
        *,
        on_progress: _core.ProgressCallback | None = None,
        poll_interval: float = 2.0,
        timeout: float = 600.0,
        raise_on_failure: bool = True,
    ) -> Task:
        """Poll until the task is done and return it.

        ``on_progress`` is called with the task whenever its status, progress or clips
        change. Busy or unreachable servers are retried until ``timeout`` (seconds), then
        :class:`WaitTimeout` is raised; a FAILURE raises :class:`TaskFailed` unless
        ``raise_on_failure`` is False.
        """
        waiter = _core.Waiter(
            task_id,
            on_progress=on_progress,
            poll_interval=poll_interval,
            timeout=timeout,
            raise_on_failure=raise_on_failure,
        )
        while True:
            try:
                task = self.fetch(task_id)
            except ClientError as exc:
                time.sleep(waiter.failed(exc))
                continue
            delay = waiter.seen(task)
            if delay is None:
                return task
            time.sleep(delay)

    def download(
        self,
        clip: Clip,
        dir: Path,
        *,
        what: Iterable[str] = ("audio", "image", "video"),
    ) -> dict[str, Path]:
        """Download the clip's files into ``dir`` (created if missing), named after the
        clip id; returns kind -> path. Each file appears whole or not at all."""
        folder = Path(dir)
        plans = _core.plan_downloads(clip, folder, what, self.base_url)
        folder.mkdir(parents=True, exist_ok=True)
        return {plan.kind: self._download(plan) for plan in plans}

    def _download(self, plan: _core.Download) -> Path:
        temp = plan.temp_path()
        request_headers = self._headers if plan.send_key else {"User-Agent": _core.USER_AGENT}
        try:
            with self._http.stream("GET", plan.url, headers=request_headers) as response:
                if response.status_code >= 400:
                    raise _core.download_failed(plan, response)
                with temp.open("wb") as out:
                    for chunk in response.iter_bytes(_core.CHUNK_SIZE):
                        out.write(chunk)
            temp.replace(plan.target)
        except httpx.HTTPError as exc:
            raise _core.transport_error(exc) from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        return plan.target

    def close(self) -> None:
        """Close the connections (not those of a given ``http_client``)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
