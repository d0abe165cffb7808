"""The studio page: ``/`` and its static files under ``/studio/``.

The files are plain HTML, CSS and ES modules (no build step), read once and served from
memory. Browsers revalidate them on every load (``no-cache`` with an ETag), so an upgrade
is seen at once and an unchanged file costs a 304.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from chorus.exceptions import NotFound

STATIC_DIR = Path(__file__).parent / "static"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# The page loads only its own scripts and styles; covers and audio may come from the
# media host (``CHORUS_PUBLIC_BASE_URL``), which can be another origin.
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob: http: https:; media-src 'self' blob: http: https:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

router = APIRouter(include_in_schema=False)


class StudioFileNotFound(NotFound):
    """No such studio file."""


@dataclass(frozen=True, slots=True)
class StaticFile:
    body: bytes
    media_type: str
    etag: str


@cache
def static_files() -> dict[str, StaticFile]:
    """Every file of the studio by name, read once."""
    files: dict[str, StaticFile] = {}
    for path in sorted(STATIC_DIR.iterdir()):
        media_type = _TYPES.get(path.suffix)
        if media_type is None or not path.is_file():
            continue
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        files[path.name] = StaticFile(body, media_type, etag)
    return files


def _serve(request: Request, name: str) -> Response:
    found = static_files().get(name)
    if found is None:
        raise StudioFileNotFound(f"path: no studio file {name!r}")
    headers = {
        "ETag": found.etag,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if name.endswith(".html"):
        headers["Content-Security-Policy"] = _PAGE_POLICY
        headers["Referrer-Policy"] = "same-origin"
    sent = request.headers.get("if-none-match", "")
    if found.etag in (tag.strip() for tag in sent.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


@router.get("/")
async def index(request: Request) -> Response:
    """The studio page."""
    return _serve(request, "index.html")


@router.get("/studio/{name}")
async def studio_file(name: str, request: Request) -> Response:
    """A script or stylesheet of the studio page."""
    return _serve(request, name)
