"""post reviews: the content each approval or rejection saw, for the next review's diff

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "post_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("posts.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("variants", sa.Text(), nullable=False),
    )
    op.create_index("ix_post_reviews_post", "post_reviews", ["post_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_post_reviews_post", table_name="post_reviews")
    op.drop_table("post_reviews")
