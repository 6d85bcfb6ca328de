"""signature: the PAdES level the signed file reached (B-B, B-T, B-LT, B-LTA)

Stored beside the verification result when a signature is made, so a signed version says
whether it is B-LTA without downloading and verifying it again. Signatures made before this
revision have none (NULL: verify the PDF to see it).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("signature", sa.Column("level", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("signature", "level")
