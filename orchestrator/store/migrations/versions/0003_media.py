"""posts: options; post media; uploads remembered per delivery

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("options", sa.Text(), nullable=False, server_default="{}"))
    op.create_table(
        "post_media",
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("posts.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("mime", sa.String(50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("ext", sa.String(10), nullable=False),
        sa.Column("alt_text", sa.Text(), nullable=False),
    )
    op.create_table(
        "delivery_uploads",
        sa.Column("delivery_id", sa.Integer(),
                  sa.ForeignKey("deliveries.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("platform_id", sa.String(200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("delivery_uploads")
    op.drop_table("post_media")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("options")
