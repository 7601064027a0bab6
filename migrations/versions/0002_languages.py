"""languages: a person's language, a post's language, cached post translations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable columns: existing rows keep NULL, meaning "follow the browser"
    # for people and "not known" for posts (no Translate link).
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=5), nullable=True))
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))

    op.create_table(
        "post_translations",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_post_translations_post_id_posts"), ondelete="CASCADE"
        ),
        # One translation per post and language: the key the cache is looked up by.
        sa.PrimaryKeyConstraint("post_id", "language", name=op.f("pk_post_translations")),
    )


def downgrade():
    op.drop_table("post_translations")
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+): copying the table,
    # as batch mode otherwise would on SQLite, loses the lower(...) indexes on users.
    with op.batch_alter_table("posts", recreate="never") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("users", recreate="never") as batch_op:
        batch_op.drop_column("locale")
