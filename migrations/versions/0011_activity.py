"""activity: follows, mentions, replies, likes and reposts that concern a person, and their read mark

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("unread_activity_count", sa.Integer(), server_default="0", nullable=False))
    op.add_column("users", sa.Column("activity_read_id", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_activities_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_activities_actor_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_activities_post_id_posts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index("uq_activities_user_kind_actor_post", "activities",
                    ["user_id", "kind", "actor_id", sa.text("coalesce(post_id, 0)")], unique=True)
    op.create_index("ix_activities_user_id_id", "activities", ["user_id", "id"])
    # Deleting a person or a post finds their rows through these.
    op.create_index(op.f("ix_activities_actor_id"), "activities", ["actor_id"])
    op.create_index(op.f("ix_activities_post_id"), "activities", ["post_id"])


def downgrade():
    op.drop_table("activities")
    op.execute("ALTER TABLE users DROP COLUMN activity_read_id")
    op.execute("ALTER TABLE users DROP COLUMN unread_activity_count")
