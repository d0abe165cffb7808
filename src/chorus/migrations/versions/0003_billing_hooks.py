"""Credits ledger, hook deliveries and attempts, task versions, per-key limits.

Revision ID: 0003_billing_hooks
Revises: 0002_channels
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_billing_hooks"
down_revision = "0002_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("rate_submit_per_min", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rate_fetch_per_min", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("max_running", sa.Integer(), nullable=True))
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.create_index("ix_tasks_submit_time", ["submit_time"])
    op.create_table(
        "credit_ledger",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key_id", sa.Integer(), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=True),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("task_id", "reason", name="uq_credit_ledger_task_reason"),
    )
    op.create_index("ix_credit_ledger_key_id", "credit_ledger", ["key_id"])
    op.create_index("ix_credit_ledger_task_id", "credit_ledger", ["task_id"])
    op.create_index("ix_credit_ledger_created_at", "credit_ledger", ["created_at"])
    # Balances given before the ledger existed become its first rows.
    op.execute(
        "INSERT INTO credit_ledger (key_id, task_id, delta, balance_after, reason, note,"
        " created_at) SELECT id, NULL, credits, credits, 'grant', 'balance before the ledger',"
        " created_at FROM api_keys WHERE credits != 0"
    )
    op.create_table(
        "hook_deliveries",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("task_id", sa.String(36), sa.ForeignKey("tasks.id"), nullable=False),
        sa.Column("key_id", sa.Integer(), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("task_status", sa.String(16), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_attempt_at", sa.Float(), nullable=True),
        sa.Column("next_attempt_at", sa.Float(), nullable=False),
        sa.Column("lease_until", sa.Float(), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("delivered_at", sa.Float(), nullable=True),
        sa.Column("redeliver", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("task_id", "version", name="uq_hook_delivery_version"),
    )
    op.create_index("ix_hook_deliveries_task_id", "hook_deliveries", ["task_id"])
    op.create_index("ix_hook_deliveries_key_id", "hook_deliveries", ["key_id"])
    op.create_index("ix_hook_deliveries_state", "hook_deliveries", ["state"])
    op.create_index("ix_hook_deliveries_next_attempt_at", "hook_deliveries", ["next_attempt_at"])
    op.create_table(
        "hook_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "delivery_id", sa.String(40), sa.ForeignKey("hook_deliveries.id"), nullable=False
        ),
        sa.Column("attempted_at", sa.Float(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("response_excerpt", sa.Text(), nullable=False),
    )
    op.create_index("ix_hook_attempts_delivery_id", "hook_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("hook_attempts")
    op.drop_table("hook_deliveries")
    op.drop_table("credit_ledger")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index("ix_tasks_submit_time")
        batch.drop_column("version")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("max_running")
        batch.drop_column("rate_fetch_per_min")
        batch.drop_column("rate_submit_per_min")
