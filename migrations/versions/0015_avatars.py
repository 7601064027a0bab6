"""uploaded profile pictures: users.avatar_version

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("avatar_version", sa.String(length=16), nullable=True))


def downgrade():
    # Plain ALTER TABLE (SQLite 3.35+ has DROP COLUMN): batch mode would rebuild users
    # without the expression indexes SQLite cannot reflect.
    op.execute("ALTER TABLE users DROP COLUMN avatar_version")
