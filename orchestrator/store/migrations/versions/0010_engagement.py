"""engagement read-back: the watch list, engagement snapshots, daily audience snapshots

Revision ID: 0010
Revises: 0009

New tables only; nothing existing is touched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "engagement_watch",
        sa.Column("delivery_id", sa.Integer(),
                  sa.ForeignKey("deliveries.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("next_pull_at", sa.DateTime()),
        sa.Column("pulls", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_pulled_at", sa.DateTime()),
        sa.Column("last_error", sa.Text()),
    )
    op.create_index("ix_engagement_watch_next", "engagement_watch", ["next_pull_at"])
    op.create_table(
        "engagement_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_id", sa.Integer(),
                  sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        *(sa.Column(name, sa.Integer()) for name in
          ("views", "reach", "reactions", "comments", "shares", "saves")),
        sa.Column("raw", sa.Text(), nullable=False),
    )
    op.create_index("ix_engagement_snapshots_delivery", "engagement_snapshots",
                    ["delivery_id", "taken_at"])
    op.create_table(
        "audience_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel_id", sa.Integer(),
                  sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("followers", sa.Integer()),
        sa.UniqueConstraint("channel_id", "day", name="uq_audience_channel_day"),
    )


def downgrade() -> None:
    op.drop_table("audience_snapshots")
    op.drop_index("ix_engagement_snapshots_delivery", "engagement_snapshots")
    op.drop_table("engagement_snapshots")
    op.drop_index("ix_engagement_watch_next", "engagement_watch")
    op.drop_table("engagement_watch")
