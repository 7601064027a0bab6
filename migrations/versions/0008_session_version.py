"""session versions: users.session_version, part of every session cookie

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    # Plain ALTER TABLE (SQLite 3.35+ has DROP COLUMN): batch mode would rebuild users
    # without the expression indexes SQLite cannot reflect.
    op.execute("ALTER TABLE users DROP COLUMN session_version")
