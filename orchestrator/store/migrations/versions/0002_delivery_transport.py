"""deliveries: transport id and last reconciliation; channels: posting rate limits

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("transport_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("reconciled_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("rate_limits", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("rate_limits")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("reconciled_at")
        batch.drop_column("transport_id")
