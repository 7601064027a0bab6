"""background tasks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.String(length=128), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("failed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_tasks_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index("ix_tasks_user_id_complete", "tasks", ["user_id", "complete"])
    # At most one unfinished task of a name per person.
    op.create_index(
        "uq_tasks_user_id_name_unfinished", "tasks", ["user_id", "name"], unique=True,
        sqlite_where=sa.text("NOT complete"), postgresql_where=sa.text("NOT complete"),
    )


def downgrade():
    op.drop_index("uq_tasks_user_id_name_unfinished", table_name="tasks")
    op.drop_index("ix_tasks_user_id_complete", table_name="tasks")
    op.drop_table("tasks")
