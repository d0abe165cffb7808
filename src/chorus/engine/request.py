"""What a caller asks the engine for, validated.

Validation errors name the field (``EngineRequestError.field``) so the service and the CLI
can answer "duration: must be between 10 and 480 seconds" rather than a stack trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from chorus.engine.score import Score, Voice
from chorus.exceptions import InvalidRequest

MIN_DURATION_S = 10.0
MAX_DURATION_S = 480.0
DEFAULT_DURATION_S = 120.0
MAX_LYRICS_CHARS = 20_000
MAX_TAGS_CHARS = 1_000
MAX_TITLE_CHARS = 200


class EngineRequestError(InvalidRequest):
    """The song request is not valid."""


@dataclass(frozen=True, slots=True)
class Continuation:
    """Continue an earlier clip: its score, and the second of it at which to go on."""

    score: Score
    at: float


@dataclass(frozen=True, slots=True)
class SongRequest:
    """A song to make.

    Parameters
    ----------
    tags: free-text style ("emotional punk", "lofi hip hop, female vocals").
    negative_tags: styles to avoid; instruments or genres named here are left out.
    title: the song's title (a title is derived from tags or lyrics when empty).
    lyrics: lyrics with optional ``[Verse]``-style section markers; empty means the engine
        plays an instrumental unless ``instrumental`` is False and lyrics are required.
    instrumental: no vocals at all.
    duration: target length in seconds, 10..480.
    seed: the same request and seed always give the same song.
    voice: "male" or "female"; None lets the tags decide (default male).
    continuation: extend an earlier clip from a given second.
    stems: also write vocals/drums/bass/other WAV stems.
    """

    tags: str = ""
    negative_tags: str = ""
    title: str = ""
    lyrics: str = ""
    instrumental: bool = False
    duration: float = DEFAULT_DURATION_S
    seed: int = 0
    voice: Voice | None = None
    continuation: Continuation | None = None
    stems: bool = False

    def __post_init__(self) -> None:
        validate(self)


def validate(request: SongRequest) -> None:
    """Raise :class:`EngineRequestError` naming the first field that is not valid."""
    for name, limit in (
        ("tags", MAX_TAGS_CHARS),
        ("negative_tags", MAX_TAGS_CHARS),
        ("title", MAX_TITLE_CHARS),
        ("lyrics", MAX_LYRICS_CHARS),
    ):
        value = getattr(request, name)
        if not isinstance(value, str):
            raise EngineRequestError(f"{name}: must be a string", field=name)
        if len(value) > limit:
            raise EngineRequestError(f"{name}: at most {limit} characters", field=name)
    if isinstance(request.duration, bool) or not isinstance(request.duration, int | float):
        raise EngineRequestError("duration: must be a number of seconds", field="duration")
    if not MIN_DURATION_S <= float(request.duration) <= MAX_DURATION_S:
        raise EngineRequestError(
            f"duration: must be between {MIN_DURATION_S:g} and {MAX_DURATION_S:g} seconds",
            field="duration",
        )
    if isinstance(request.seed, bool) or not isinstance(request.seed, int):
        raise EngineRequestError("seed: must be an integer", field="seed")
    if not 0 <= request.seed < 2**63:
        raise EngineRequestError("seed: must be between 0 and 2**63-1", field="seed")
    if request.voice not in (None, "male", "female"):
        raise EngineRequestError("voice: must be 'male' or 'female'", field="voice")
    if request.continuation is not None:
        at = request.continuation.at
        if not 0 <= at <= request.continuation.score.duration:
            raise EngineRequestError(
                "continue_at: must be within the clip being continued", field="continue_at"
            )
