"""pillars: the content pillars with their target shares; free-text pillars become rows

Revision ID: 0008
Revises: 0007

A database without posts (a new one) gets the three pillars of the bureau's strategy. A
database with posts gets one pillar row for each distinct pillar its posts name, exactly as
written (nothing lost, and approved posts keep their content hash); a name matching one of
the defaults takes its target and colours, the others start at a target of 0 % (set them
with ``siaran pillar update``).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: name → (target, colour, label in Bahasa Indonesia, label in English).
DEFAULTS = {
    "informatif": (60.0, "#1F77B4", "Informatif", "Informative"),
    "interaktif": (20.0, "#FF7F0E", "Interaktif", "Interactive"),
    "edukasi-hiburan": (20.0, "#2CA02C", "Edukasi & hiburan", "Edutainment"),
}


def upgrade() -> None:
    pillars = op.create_table(
        "pillars",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("color", sa.String(7)),
        sa.Column("label_id", sa.String(200)),
        sa.Column("label_en", sa.String(200)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    conn = op.get_bind()
    posts = sa.table("posts", sa.column("pillar", sa.String))
    used = sorted(conn.execute(sa.select(posts.c.pillar).distinct()).scalars())
    names = used or list(DEFAULTS)
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for name in names:
        target, color, label_id, label_en = DEFAULTS.get(name, (0.0, None, None, None))
        rows.append({"name": name, "target": target, "color": color, "label_id": label_id,
                     "label_en": label_en, "created_at": now, "updated_at": now})
    op.bulk_insert(pillars, rows)


def downgrade() -> None:
    op.drop_table("pillars")
