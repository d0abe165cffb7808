"""The language-model writer: any OpenAI-compatible chat API.

The model is asked for a JSON object ``{title, tags, lyrics}``; the answer is checked
(non-empty, section markers, sane length) before it is trusted. Upstream trouble never
reaches the caller: on a timeout, a refused connection, an HTTP error or a nonsense answer
the built-in writer answers instead and ``WrittenSong.note`` says why.

The user message names the sections to write and their lines: the full form, or for a
song of known length (:class:`~chorus.lyrics.fit.Fit`) the longest form the engine sings
whole (:func:`~chorus.lyrics.fit.form_for`, sized with the caller's tags, else the idea's
words). An answer longer than the song is cut the same way (:func:`~chorus.lyrics.fit.fit_lyrics`,
with the caller's tags, else the model's).
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING, Any

import httpx

from chorus.lyrics import builtin
from chorus.lyrics.analysis import detect_language
from chorus.lyrics.fit import Fit, fit_lyrics, form_for
from chorus.lyrics.model import WrittenSong
from chorus.lyrics.song import FULL_FORM, Form

if TYPE_CHECKING:
    from chorus.config import Settings

MAX_TITLE_CHARS = 80
MAX_TAGS_CHARS = 200
MIN_LYRICS_CHARS = 20
MAX_LYRICS_CHARS = 6000
# Models write "[Verse 1]", "[Pre-Chorus]", "[Hook]"...: any short bracketed line counts.
_MARKER = re.compile(r"^\[[^\[\]\n]{1,40}\]$", re.MULTILINE)
_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)

_SYSTEM = (
    "You are a songwriter. Answer with one JSON object with string fields "
    '"title", "tags" and "lyrics", and nothing else. '
    "title: a short song title (at most 60 characters). "
    "tags: comma-separated style tags naming a genre, a mood and a voice, e.g. "
    '"melancholic indie folk, male vocals" (at most 150 characters). '
    "lyrics: the lyrics with section markers on their own lines, exactly the sections "
    "the user asks for, in that order, each with its number of lines; the chorus repeats "
    "word for word; short singable lines (6 to 9 syllables, or 8 to 10 Chinese "
    "characters) that rhyme; no other brackets or notes."
)


class _BadAnswerError(Exception):
    """The model answered, but not with usable lyrics."""


class LlmWriter:
    """Writes songs through an OpenAI-compatible ``/chat/completions`` endpoint.

    Parameters
    ----------
    base_url: API root, e.g. ``https://api.openai.com/v1`` (``/chat/completions`` is added).
    api_key: sent as ``Authorization: Bearer``.
    model: the model name sent with each request.
    client: an ``httpx.AsyncClient`` to reuse (not closed here); one per call otherwise.
    timeout_s: whole-request timeout in seconds.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        model: str,
        client: httpx.AsyncClient | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.model = model
        self.timeout_s = timeout_s
        self._client = client

    async def write_song(
        self, idea: str, *, seed: int, instrumental: bool = False, fit: Fit | None = None
    ) -> WrittenSong:
        """Write a song for ``idea``, sized to ``fit`` when given (the full form otherwise);
        falls back to the built-in writer on any trouble.

        Raises ``InvalidRequest`` (field ``prompt``) only for an empty idea, before any call.
        """
        text = builtin.validate_idea(idea)
        language = detect_language(text)
        form = FULL_FORM
        if fit is not None and not instrumental:
            form = await asyncio.to_thread(
                form_for, fit.duration, fit.tags or text, fit.negative_tags, fit.seeds
            )
        try:
            content = await self._ask(_user_message(idea, language, instrumental, form), seed)
            title, tags, lyrics = _parse_answer(content, instrumental=instrumental)
        except httpx.TimeoutException:
            return await _fallback(
                idea, seed, instrumental, fit, f"timed out after {self.timeout_s:g} s"
            )
        except httpx.HTTPStatusError as exc:
            code = exc.response.status_code
            why = "rate limited (HTTP 429)" if code == 429 else f"answered HTTP {code}"
            return await _fallback(idea, seed, instrumental, fit, why)
        except httpx.HTTPError as exc:
            return await _fallback(
                idea, seed, instrumental, fit, f"unreachable ({type(exc).__name__})"
            )
        except _BadAnswerError as exc:
            return await _fallback(idea, seed, instrumental, fit, f"unusable answer: {exc}")
        if fit is not None and lyrics:
            lyrics = await asyncio.to_thread(
                fit_lyrics, lyrics, fit.duration, fit.tags or tags, fit.negative_tags, fit.seeds
            )
        return WrittenSong(title=title, tags=tags, lyrics=lyrics, source="llm", language=language)

    async def _ask(self, user: str, seed: int) -> str:
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": _SYSTEM},
                {"role": "user", "content": user},
            ],
            "response_format": {"type": "json_object"},
            "temperature": 0.9,
            "seed": seed,
        }
        headers = {"Authorization": f"Bearer {self.api_key}"}
        url = f"{self.base_url}/chat/completions"
        timeout = httpx.Timeout(self.timeout_s)
        if self._client is not None:
            response = await self._client.post(url, json=body, headers=headers, timeout=timeout)
        else:
            async with httpx.AsyncClient(timeout=timeout) as client:
                response = await client.post(url, json=body, headers=headers)
        response.raise_for_status()
        try:
            payload = response.json()
            content = payload["choices"][0]["message"]["content"]
        except (ValueError, LookupError, TypeError) as exc:
            raise _BadAnswerError("not an OpenAI chat completion") from exc
        if not isinstance(content, str):
            raise _BadAnswerError("message content is not text")
        return content


def writer_from_settings(settings: Settings) -> LlmWriter | None:
    """The configured language-model writer, or None when any of url, key, model is unset."""
    if not (settings.llm_base_url and settings.llm_api_key and settings.llm_model):
        return None
    return LlmWriter(
        settings.llm_base_url,
        settings.llm_api_key,
        settings.llm_model,
        timeout_s=settings.llm_timeout_s,
    )


def _user_message(idea: str, language: str, instrumental: bool, form: Form) -> str:
    lang = "Chinese (简体中文)" if language == "zh" else "the language of the idea"
    if instrumental:
        return (
            f"Song idea: {idea.strip()}\nThis is an instrumental: give a title and tags, "
            'and "lyrics": "".'
        )
    return (
        f"Song idea: {idea.strip()}\nWrite the lyrics in {lang}.\n"
        f"Write exactly these sections, in this order, and nothing more: {describe(form)}."
    )


def describe(form: Form) -> str:
    """A form in words: "[Verse] 4 lines, [Chorus] 4 lines, [Chorus] again"."""
    said: set[str] = set()
    out: list[str] = []
    for name, count in form:
        if name == "Chorus" and name in said:
            out.append("[Chorus] again, the same lines")
        else:
            out.append(f"[{name}] {count} line{'s' if count > 1 else ''}")
        said.add(name)
    return ", ".join(out)


def _parse_answer(content: str, *, instrumental: bool) -> tuple[str, str, str]:
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    try:
        data: Any = json.loads(text)
    except ValueError as exc:
        raise _BadAnswerError("not JSON") from exc
    if not isinstance(data, dict):
        raise _BadAnswerError("not a JSON object")
    fields = {}
    for name in ("title", "tags", "lyrics"):
        value = data.get(name)
        if value is None and not (instrumental and name == "lyrics"):
            raise _BadAnswerError(f"missing {name}")
        if value is not None and not isinstance(value, str):
            raise _BadAnswerError(f"{name} is not a string")
        fields[name] = " ".join(value.split()) if name != "lyrics" and value else value or ""
    title, tags = fields["title"], fields["tags"]
    if not title or len(title) > MAX_TITLE_CHARS:
        raise _BadAnswerError(f"title empty or longer than {MAX_TITLE_CHARS} characters")
    if not tags or len(tags) > MAX_TAGS_CHARS:
        raise _BadAnswerError(f"tags empty or longer than {MAX_TAGS_CHARS} characters")
    if instrumental:
        return title, tags, ""
    lyrics = _tidy_lyrics(fields["lyrics"])
    if not lyrics:
        raise _BadAnswerError("empty lyrics")
    if not _MARKER.search(lyrics):
        raise _BadAnswerError("lyrics have no section markers")
    if not MIN_LYRICS_CHARS <= len(lyrics) <= MAX_LYRICS_CHARS:
        raise _BadAnswerError(
            f"lyrics length {len(lyrics)} outside {MIN_LYRICS_CHARS}-{MAX_LYRICS_CHARS}"
        )
    sung = [ln for ln in lyrics.splitlines() if ln.strip() and not _MARKER.match(ln.strip())]
    if not sung:
        raise _BadAnswerError("lyrics have markers but no sung lines")
    return title, tags, lyrics


def _tidy_lyrics(text: str) -> str:
    """Normalise line ends and blank lines; keeps the model's words untouched."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip()


async def _fallback(
    idea: str, seed: int, instrumental: bool, fit: Fit | None, why: str
) -> WrittenSong:
    song = await asyncio.to_thread(
        builtin.write_song, idea, seed=seed, instrumental=instrumental, fit=fit
    )
    return WrittenSong(
        title=song.title,
        tags=song.tags,
        lyrics=song.lyrics,
        source="builtin",
        note=f"language model {why}; built-in writer used",
        language=song.language,
    )
