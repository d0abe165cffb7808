"""Admin routes of the channels (``/admin/channels``); they need the admin key. Where a
task went (its channel, its ids upstream) is in the admin domain's ``/admin/tasks``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from chorus.channels import repository, service
from chorus.channels.routing import ChannelInfo
from chorus.channels.schemas import ChannelDetails, CreateChannel, UpdateChannel
from chorus.keys.dependencies import AdminKey
from chorus.state import app_state

router = APIRouter(prefix="/admin/channels", tags=["admin"])


def _states(request: Request) -> dict[str, str]:
    backend = getattr(request.app.state, "channels", None)
    return backend.states() if backend is not None else {}


async def _details(request: Request, infos: list[ChannelInfo]) -> list[ChannelDetails]:
    states = _states(request)
    running = await app_state(request).db.run(repository.running_counts)
    return [
        service.details(info, states.get(info.name, "closed"), running.get(info.name, 0))
        for info in infos
    ]


@router.post("", status_code=201, response_model=ChannelDetails)
async def create_channel(body: CreateChannel, request: Request, _admin: AdminKey) -> ChannelDetails:
    """Add an upstream. It serves every model unless ``models`` narrows it."""

    def create(session: Session) -> ChannelInfo:
        return service.info(service.create(session, body))

    info = await app_state(request).db.run(create)
    return (await _details(request, [info]))[0]


@router.get("", response_model=list[ChannelDetails])
async def list_channels(request: Request, _admin: AdminKey) -> list[ChannelDetails]:
    """Every channel, highest priority first, with its circuit state and running tasks."""
    return await _details(request, await app_state(request).db.run(service.infos))


@router.get("/{name}", response_model=ChannelDetails)
async def get_channel(name: str, request: Request, _admin: AdminKey) -> ChannelDetails:
    def get(session: Session) -> ChannelInfo:
        return service.info(service.get(session, name))

    return (await _details(request, [await app_state(request).db.run(get)]))[0]


@router.patch("/{name}", response_model=ChannelDetails)
async def update_channel(
    name: str, body: UpdateChannel, request: Request, _admin: AdminKey
) -> ChannelDetails:
    """Change a channel: ``{"enabled": false}`` takes it out of routing (its running
    tasks are still followed)."""

    def update(session: Session) -> ChannelInfo:
        return service.info(service.update(session, name, body))

    return (await _details(request, [await app_state(request).db.run(update)]))[0]
