"""Wire models of the OpenAI-compatible routes (``/v1/models``, ``/v1/chat/completions``).

Requests ignore the many fields OpenAI clients send that mean nothing here
(temperature, top_p, tools...). Answers follow OpenAI's shapes, so the official clients
parse them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_MESSAGES = 100
MAX_MESSAGE_CHARS = 30_000


class ContentPart(BaseModel):
    """One part of a multi-part message; only text parts carry a song idea."""

    model_config = ConfigDict(extra="ignore")

    type: str = Field("text", max_length=32)
    text: str | None = Field(None, max_length=MAX_MESSAGE_CHARS)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: str = Field(max_length=32)
    content: (
        Annotated[str, Field(max_length=MAX_MESSAGE_CHARS)]
        | Annotated[list[ContentPart], Field(max_length=MAX_MESSAGES)]
        | None
    ) = None


class ChatRequest(BaseModel):
    """``POST /v1/chat/completions``: the last user message is the song idea, or lyrics
    with ``[Verse]``-style markers, or a JSON object with ``title``, ``tags``, ``prompt``
    (lyrics), ``gpt_description_prompt``, ``make_instrumental``, ``negative_tags``,
    ``duration``."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "model": "chirp-v3-5",
                    "stream": True,
                    "messages": [{"role": "user", "content": "a song about a cat in the rain"}],
                }
            ]
        },
    )

    model: str = Field(max_length=64)
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    """The music models, in OpenAI's list shape."""

    object: Literal["list"] = "list"
    data: list[ModelCard]


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: str = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    """The whole answer when ``stream`` is false: one Markdown message with the title,
    cover, style, lyrics and the MP3/MP4 links of both clips. The ``id`` is
    ``chatcmpl-<task id>``."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: str | None = None


class ChatCompletionChunk(BaseModel):
    """One ``data:`` event of a streamed answer (``text/event-stream``): the task id,
    then progress lines, the links of the audio streams, the final Markdown, and an empty
    delta with ``finish_reason: "stop"``; ``data: [DONE]`` ends the stream."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]


class OpenAIErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class OpenAIError(BaseModel):
    """Every error of these routes, in OpenAI's shape."""

    error: OpenAIErrorBody
