"""posts: index (user_id, timestamp, id) so the home feed reads each author's newest posts index-only

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_posts_user_id_timestamp_id", "posts", ["user_id", "timestamp", "id"])
    op.drop_index("ix_posts_user_id_timestamp", table_name="posts")


def downgrade():
    op.create_index("ix_posts_user_id_timestamp", "posts", ["user_id", "timestamp"])
    op.drop_index("ix_posts_user_id_timestamp_id", table_name="posts")
