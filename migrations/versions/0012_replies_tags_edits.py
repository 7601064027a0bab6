"""posts: replies (in_reply_to_id, is_reply, reply_count), edits (edited_at), and post_tags for tag timelines

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22

"""
import re
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# A copy of app/richtext.py's rule as it stood for this revision (migrations do not import the app).
TAG = re.compile(r"(?<![\w#&/])#(\w+)")
MAX_TAG_LENGTH = 64
BATCH = 5000


@contextmanager
def posts_batch():
    """Alter posts; on SQLite by copying the table, whose reflection meets the users' lower(...) indexes.

    SQLAlchemy warns that it cannot reflect those expression indexes; they belong to users,
    which is not copied, so the warning is moot here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("posts") as batch_op:
            yield batch_op


def tags_of(body: str) -> set[str]:
    return {
        word.lower() for word in TAG.findall(body or "")
        if len(word) <= MAX_TAG_LENGTH and any(character.isalpha() for character in word)
    }


def upgrade():
    with posts_batch() as batch_op:
        batch_op.add_column(sa.Column("in_reply_to_id", sa.Integer(), nullable=True))
        # Stays true when the post answered is deleted (in_reply_to_id becomes NULL).
        batch_op.add_column(sa.Column("is_reply", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("reply_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_posts_in_reply_to_id_posts"), "posts", ["in_reply_to_id"], ["id"], ondelete="SET NULL"
        )
        # A post's replies in order of id, and the replies to set NULL when it is deleted.
        batch_op.create_index("ix_posts_in_reply_to_id_id", ["in_reply_to_id", "id"])
    op.create_table(
        "post_tags",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=MAX_TAG_LENGTH), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_post_tags_post_id_posts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id", "tag", name=op.f("pk_post_tags")),
    )
    # The tag timeline: a tag's posts newest first, by keyset on the post id.
    op.create_index("ix_post_tags_tag_post_id", "post_tags", ["tag", "post_id"])
    tag_existing_posts()


def tag_existing_posts() -> None:
    """Fill post_tags from the bodies of the posts already there, a batch of ids at a time."""
    connection = op.get_bind()
    posts = sa.table("posts", sa.column("id"), sa.column("body"))
    post_tags = sa.table("post_tags", sa.column("post_id"), sa.column("tag"))
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(posts.c.id, posts.c.body).where(posts.c.id > last_id).order_by(posts.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        values = [{"post_id": id, "tag": tag} for id, body in rows for tag in sorted(tags_of(body))]
        if values:
            connection.execute(post_tags.insert(), values)
        last_id = rows[-1].id


def downgrade():
    op.drop_table("post_tags")
    with posts_batch() as batch_op:
        batch_op.drop_index("ix_posts_in_reply_to_id_id")
        batch_op.drop_constraint("fk_posts_in_reply_to_id_posts", type_="foreignkey")
        batch_op.drop_column("edited_at")
        batch_op.drop_column("reply_count")
        batch_op.drop_column("is_reply")
        batch_op.drop_column("in_reply_to_id")
