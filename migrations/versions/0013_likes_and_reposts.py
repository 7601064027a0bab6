"""likes and reposts: one row per person and post, and their counts on the post

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def create_reaction_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f(f"fk_{name}_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f(f"fk_{name}_post_id_posts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("user_id", "post_id", name=op.f(f"uq_{name}_user_id_post_id")),
    )
    op.create_index(f"ix_{name}_post_id_id", name, ["post_id", "id"])


def upgrade():
    op.add_column("posts", sa.Column("like_count", sa.Integer(), server_default="0", nullable=False))
    op.add_column("posts", sa.Column("repost_count", sa.Integer(), server_default="0", nullable=False))
    create_reaction_table("likes")
    create_reaction_table("reposts")
    # The home feed's LATERAL scan reads each person's newest reposts from this index alone.
    op.create_index("ix_reposts_user_id_created_at_post_id", "reposts", ["user_id", "created_at", "post_id"])


def downgrade():
    op.drop_table("reposts")
    op.drop_table("likes")
    # Plain ALTER TABLE: batch mode would rebuild posts on SQLite and lose its search triggers.
    op.execute("ALTER TABLE posts DROP COLUMN repost_count")
    op.execute("ALTER TABLE posts DROP COLUMN like_count")
