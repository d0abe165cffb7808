"""The one error hierarchy.

Every error Chorus raises on purpose derives from :class:`ChorusError`, which carries the
HTTP status and the contract's error ``code``. One exception handler renders all of them
as ``{"code": ..., "message": ..., "data": null}``; the CLI prints the message on one line.
"""

from __future__ import annotations


class ChorusError(Exception):
    """Something went wrong."""

    status_code: int = 500
    code: str = "internal_error"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or (self.__doc__ or self.code).strip()
        super().__init__(self.message)


class InvalidRequest(ChorusError):  # noqa: N818  (named for the answer)
    """The request is not valid."""

    status_code = 400
    code = "invalid_request"

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class Unauthorized(ChorusError):  # noqa: N818  (named for the answer)
    """A valid API key is required."""

    status_code = 401
    code = "unauthorized"


class Forbidden(ChorusError):  # noqa: N818  (named for the answer)
    """This key may not do that."""

    status_code = 403
    code = "forbidden"


class NotFound(ChorusError):  # noqa: N818  (named for the answer)
    """Not found."""

    status_code = 404
    code = "not_found"


class PayloadTooLarge(ChorusError):  # noqa: N818  (named for the answer)
    """The request body is too large."""

    status_code = 413
    code = "request_too_large"


class EngineError(ChorusError):
    """The music engine failed."""

    status_code = 500
    code = "engine_error"
