"""Upstream channels; where each task ran and its id upstream.

Revision ID: 0002_channels
Revises: 0001
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "0002_channels"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    channels = op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("models_json", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("max_concurrency", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("options_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    now = time.time()
    # The built-in engine is a channel like the others, present from the start.
    op.bulk_insert(channels, [{
        "name": "local", "kind": "local", "base_url": "", "secret": "", "models_json": "[]",
        "priority": 0, "weight": 1, "max_concurrency": 0, "enabled": True,
        "options_json": "{}", "created_at": now, "updated_at": now,
    }])  # fmt: skip
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("channel", sa.String(64), nullable=True))
        batch.add_column(sa.Column("upstream_task_id", sa.String(512), nullable=True))
        batch.create_index("ix_tasks_channel", ["channel"])
        batch.create_index("ix_tasks_upstream_task_id", ["upstream_task_id"])
    with op.batch_alter_table("clips") as batch:
        batch.add_column(sa.Column("upstream_clip_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("upstream_media", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("clips") as batch:
        batch.drop_column("upstream_media")
        batch.drop_column("upstream_clip_id")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index("ix_tasks_upstream_task_id")
        batch.drop_index("ix_tasks_channel")
        batch.drop_column("upstream_task_id")
        batch.drop_column("channel")
    op.drop_table("channels")
