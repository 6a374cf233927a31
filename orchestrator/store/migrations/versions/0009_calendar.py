"""the calendar: posting slots per channel, series, missed windows, the embargo

Revision ID: 0009
Revises: 0008

Columns are only added to existing tables, in place (``ALTER TABLE … ADD COLUMN``): a
table rebuilt the way Alembic's batch mode does it on SQLite would cascade deletes to the
rows that refer to it (deliveries, attempts) while foreign keys are enforced. For the same
reason ``posts.series_id`` carries no foreign key.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("channels", sa.Column("timezone", sa.String(64)))
    op.add_column("channels", sa.Column("slots", sa.Text()))
    op.add_column("posts", sa.Column("series_id", sa.Integer()))
    op.add_column("posts", sa.Column("occurrence_at", sa.DateTime()))
    op.add_column("posts", sa.Column("missed_after", sa.Float()))
    # ix_posts_scheduled (scheduled_at, id) exists since 0007 and serves the calendar too.
    op.create_index("ix_posts_occurrence", "posts", ["series_id", "occurrence_at"],
                    unique=True)
    op.create_index("ix_post_channels_channel", "post_channels", ["channel_id", "post_id"])
    op.add_column("deliveries", sa.Column("not_after", sa.DateTime()))
    op.add_column("deliveries", sa.Column("overrides_embargo", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("pillar", sa.String(100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("variants", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("media", sa.Text(), nullable=False),
        sa.Column("channel_ids", sa.Text(), nullable=False),
        sa.Column("missed_after", sa.Float()),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("approver", sa.String(100)),
        sa.Column("approved_hash", sa.String(64)),
        sa.Column("materialised_until", sa.DateTime()),
        sa.Column("materialised", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("refill_at", sa.DateTime()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_series_refill", "series", ["refill_at"])
    op.create_table(
        "embargoes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime()),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("lifted_at", sa.DateTime()),
        sa.Column("lifted_by", sa.String(100)),
    )
    op.create_index("ix_embargoes_in_force", "embargoes", ["lifted_at", "starts_at"])


def downgrade() -> None:
    op.drop_table("embargoes")
    op.drop_index("ix_series_refill", "series")
    op.drop_table("series")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("overrides_embargo")
        batch.drop_column("not_after")
    op.drop_index("ix_post_channels_channel", "post_channels")
    op.drop_index("ix_posts_occurrence", "posts")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("missed_after")
        batch.drop_column("occurrence_at")
        batch.drop_column("series_id")
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("slots")
        batch.drop_column("timezone")
