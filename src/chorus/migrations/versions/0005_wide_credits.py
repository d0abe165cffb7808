"""Balances and ledger amounts as 64-bit integers, as the admin API accepts them.

SQLite's INTEGER is 64-bit already, so this changes only PostgreSQL's 32-bit columns (a
SQLite batch rebuild of ``api_keys`` would gain nothing).

Revision ID: 0005_wide_credits
Revises: 0004_lyrics_writer
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_wide_credits"
down_revision = "0004_lyrics_writer"
branch_labels = None
depends_on = None

_COLUMNS = (("api_keys", "credits"), ("credit_ledger", "delta"), ("credit_ledger", "balance_after"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in _COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in _COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_nullable=False)
