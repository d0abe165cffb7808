"""Standard Webhooks signatures (https://www.standardwebhooks.com).

A delivery carries three headers: ``webhook-id`` (the message id, the same on every retry of
one message so receivers can drop duplicates), ``webhook-timestamp`` (unix seconds of this
attempt) and ``webhook-signature`` (``v1,<base64 HMAC-SHA256>`` of ``"{id}.{timestamp}.{body}"``
under the key's secret). Secrets are ``whsec_`` followed by base64 of random bytes; the
HMAC key is the decoded bytes, as every Standard Webhooks library expects.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

from chorus.exceptions import ChorusError

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
# Receivers reject timestamps further than this from their clock (the library default).
DEFAULT_TOLERANCE_S = 300.0
_MIN_SECRET_BYTES = 24
_MAX_SECRET_BYTES = 64


class WebhookSignatureError(ChorusError):
    """The webhook signature does not verify."""

    status_code = 400
    code = "invalid_signature"


def generate_secret(nbytes: int = 32) -> str:
    """A new signing secret: ``whsec_`` + base64 of ``nbytes`` random bytes (24 to 64)."""
    if not _MIN_SECRET_BYTES <= nbytes <= _MAX_SECRET_BYTES:
        raise ValueError(f"nbytes must be {_MIN_SECRET_BYTES}..{_MAX_SECRET_BYTES}")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a ``whsec_`` secret; raises ``ValueError`` when malformed."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a webhook secret starts with {SECRET_PREFIX!r}")
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ValueError("a webhook secret is base64 after its prefix") from exc
    if len(key) < _MIN_SECRET_BYTES:
        raise ValueError(f"a webhook secret holds at least {_MIN_SECRET_BYTES} bytes")
    return key


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``"{msg_id}.{timestamp}.{body}"``."""
    signed = msg_id.encode() + b"." + str(int(timestamp)).encode() + b"." + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery attempt.

    ``timestamp`` is unix seconds of the attempt (retries sign again with a fresh one;
    ``msg_id`` stays the same).
    """
    if not msg_id or any(c in msg_id for c in " .,\r\n"):
        # The id is part of the signed string, separated by dots.
        raise ValueError("msg_id must be non-empty without spaces, dots or commas")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": signature(secret, msg_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> None:
    """Check a delivery's headers against its body; raises :class:`WebhookSignatureError`.

    Header names are matched case-insensitively. Any one ``v1`` signature of the
    space-separated list may match (several are sent while a secret is being rotated).
    ``now`` (unix seconds) defaults to the current time.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    msg_id = lowered.get("webhook-id", "")
    raw_ts = lowered.get("webhook-timestamp", "")
    raw_sigs = lowered.get("webhook-signature", "")
    if not (msg_id and raw_ts and raw_sigs):
        raise WebhookSignatureError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(raw_ts)
    except ValueError:
        raise WebhookSignatureError("webhook-timestamp is not an integer") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        raise WebhookSignatureError("webhook-timestamp is outside the tolerance")
    try:
        expected = signature(secret, msg_id, timestamp, body).encode()
    except ValueError as exc:
        raise WebhookSignatureError(f"unusable secret: {exc}") from None
    for candidate in raw_sigs.split():
        if hmac.compare_digest(candidate.encode(), expected):
            return
    raise WebhookSignatureError("no matching signature")
