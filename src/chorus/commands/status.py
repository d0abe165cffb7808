"""``chorus status TASK_ID``: a task on a server, as a person reads it (or ``--json``)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from chorus.client import Task
from chorus.commands import _common


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task_id", help="the id answered when the task was submitted")
    parser.add_argument("--json", action="store_true", help="print the task as the server sent it")
    _common.server_arguments(parser, required=True)


def run(args: argparse.Namespace) -> int:
    with _common.client(args) as api:
        task = api.fetch(args.task_id)
    if args.json:
        print(json.dumps(task.raw, ensure_ascii=False, indent=2))
        return 0
    print(describe(task))
    return 0


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S") if seconds else "-"


def describe(task: Task) -> str:
    """A few lines saying what the task is, how far it got and where its files are."""
    lines = [
        f"task {task.task_id}  {task.action or 'task'}  {task.status}  {task.progress}%",
        f"submitted {_when(task.submit_time)}  started {_when(task.start_time)}  "
        f"finished {_when(task.finish_time)}",
    ]
    if task.fail_reason:
        lines.append(f"failed: {task.fail_reason}")
    if task.lyrics is not None:
        lines += [f"title: {task.lyrics.title}", "", task.lyrics.text.strip("\n")]
    for n, clip in enumerate(task.clips, start=1):
        length = f"  {clip.duration:.1f} s" if clip.duration else ""
        percent = _common.clip_percent(clip, task.progress)
        lines.append(f"clip {n} {clip.id}  {clip.status} {percent:.0f}%{length}  {clip.title}")
        if clip.tags:
            lines.append(f"  tags: {clip.tags}")
        if clip.error_message:
            lines.append(f"  error: {clip.error_message}")
        for url in (clip.audio_url, clip.video_url, clip.image_large_url):
            if url:
                lines.append(f"  {url}")
    return "\n".join(lines)
