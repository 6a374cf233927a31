"""installation facts (the secret key's fingerprint); WordPress site URL in the open;
the file name a medium was given as

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "installation",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("site_url", sa.String(500)))
    with op.batch_alter_table("post_media") as batch:
        batch.add_column(sa.Column("source_name", sa.String(255), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("post_media") as batch:
        batch.drop_column("source_name")
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("site_url")
    op.drop_table("installation")
