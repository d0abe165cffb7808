"""All SQL about channels, and about tasks as seen by channels."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chorus.channels.models import Channel
from chorus.tasks.models import Clip, Task
from chorus.tasks.repository import UNFINISHED


def all_channels(session: Session) -> list[Channel]:
    return list(session.scalars(select(Channel).order_by(Channel.priority.desc(), Channel.id)))


def by_name(session: Session, name: str) -> Channel | None:
    return session.scalars(select(Channel).where(Channel.name == name)).first()


def add(session: Session, channel: Channel) -> Channel:
    session.add(channel)
    session.flush()
    return channel


def running_counts(session: Session) -> dict[str, int]:
    """Unfinished tasks held by each channel."""
    query = (
        select(Task.channel, func.count())
        .where(Task.channel.is_not(None), Task.status.in_(UNFINISHED))
        .group_by(Task.channel)
    )
    return {str(name): int(count) for name, count in session.execute(query)}


@dataclass(frozen=True, slots=True)
class Relayed:
    """An unfinished task an upstream holds."""

    task_id: str
    channel: str
    upstream_task_id: str
    action: str
    start_time: int


def relayed_unfinished(session: Session) -> list[Relayed]:
    query = (
        select(Task.id, Task.channel, Task.upstream_task_id, Task.action, Task.start_time)
        .where(Task.upstream_task_id.is_not(None), Task.status.in_(UNFINISHED))
        .order_by(Task.submit_time)
    )
    return [
        Relayed(str(tid), str(channel), str(upstream), str(action), int(start or 0))
        for tid, channel, upstream, action, start in session.execute(query)
    ]


def clip_upstream_media(session: Session, clip_id: str) -> str:
    value = session.scalars(select(Clip.upstream_media).where(Clip.id == clip_id)).first()
    return value or ""
