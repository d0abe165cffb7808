"""Admin routes: the channels (``/admin/channels``) and where a task went
(``/admin/tasks``). All need the admin key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from chorus.channels import repository, service
from chorus.channels.routing import ChannelInfo
from chorus.channels.schemas import (
    AdminClip,
    AdminTask,
    ChannelDetails,
    CreateChannel,
    UpdateChannel,
)
from chorus.exceptions import NotFound
from chorus.keys.dependencies import AdminKey
from chorus.state import app_state
from chorus.tasks.models import Task

router = APIRouter(prefix="/admin/channels", tags=["admin"])
tasks_router = APIRouter(prefix="/admin/tasks", tags=["admin"])


class TaskNotFound(NotFound):
    """The task does not exist."""

    code = "task_not_exist"


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


def _admin_task(task: Task, key_name: str) -> AdminTask:
    return AdminTask(
        task_id=task.id,
        key=key_name,
        action=task.action,
        status=task.status,
        progress=task.progress,
        fail_reason=task.fail_reason,
        mv=task.mv,
        submit_time=task.submit_time,
        start_time=task.start_time,
        finish_time=task.finish_time,
        channel=task.channel,
        upstream_task_id=task.upstream_task_id,
        clips=[
            AdminClip(id=clip.id, status=clip.status, upstream_clip_id=clip.upstream_clip_id)
            for clip in task.clips
        ],
    )


@tasks_router.get("", response_model=list[AdminTask])
async def search_tasks(
    request: Request,
    _admin: AdminKey,
    channel: Annotated[str | None, Query(max_length=64)] = None,
    upstream_task_id: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[AdminTask]:
    """Tasks by channel and/or upstream task id, newest first."""

    def search(session: Session) -> list[AdminTask]:
        rows = repository.search_tasks(
            session, channel=channel, upstream_task_id=upstream_task_id, limit=limit
        )
        return [_admin_task(task, name) for task, name in rows]

    return await app_state(request).db.run(search)


@tasks_router.get("/{task_id}", response_model=AdminTask)
async def get_task(task_id: str, request: Request, _admin: AdminKey) -> AdminTask:
    """One task with the channel that ran it and its id upstream."""

    def get(session: Session) -> AdminTask:
        row = repository.task_with_key(session, task_id)
        if row is None:
            raise TaskNotFound("task_id: no such task")
        return _admin_task(*row)

    return await app_state(request).db.run(get)
