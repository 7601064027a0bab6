"""private messages, conversations, notifications; users.unread_message_count

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # conversations.last_message_id and messages.conversation_id refer to each other. SQLite
    # accepts a key to a table created later, so it gets the key inline; PostgreSQL gets it
    # once both tables exist. (Batch mode would rebuild conversations after reflecting users,
    # whose expression indexes SQLite cannot reflect.)
    is_sqlite = op.get_bind().dialect.name == "sqlite"
    last_message_key = [
        sa.ForeignKeyConstraint(
            ["last_message_id"], ["messages.id"], name=op.f("fk_conversations_last_message_id_messages"),
            ondelete="SET NULL",
        )
    ] if is_sqlite else []

    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("unread_message_count", sa.Integer(), server_default="0", nullable=False))

    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_low_id", sa.Integer(), nullable=False),
        sa.Column("user_high_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_id", sa.Integer(), nullable=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("user_low_id < user_high_id", name=op.f("ck_conversations_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["user_low_id"], ["users.id"], name=op.f("fk_conversations_user_low_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_high_id"], ["users.id"], name=op.f("fk_conversations_user_high_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("user_low_id", "user_high_id", name=op.f("uq_conversations_user_low_id")),
        *last_message_key,
    )
    op.create_index(op.f("ix_conversations_user_high_id"), "conversations", ["user_high_id"])

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(body) <= 2000", name=op.f("ck_messages_body_length")),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_messages_recipient_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["users.id"], name=op.f("fk_messages_sender_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index("ix_messages_conversation_id_id", "messages", ["conversation_id", "id"])
    op.create_index(op.f("ix_messages_recipient_id"), "messages", ["recipient_id"])
    op.create_index(op.f("ix_messages_sender_id"), "messages", ["sender_id"])

    if not is_sqlite:
        op.create_foreign_key(
            op.f("fk_conversations_last_message_id_messages"), "conversations", "messages",
            ["last_message_id"], ["id"], ondelete="SET NULL",
        )

    op.create_table(
        "conversation_members",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("other_user_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_read_message_id", sa.Integer(), nullable=True),
        sa.Column("unread_count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"],
            name=op.f("fk_conversation_members_conversation_id_conversations"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_user_id"], ["users.id"], name=op.f("fk_conversation_members_other_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_conversation_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "other_user_id", name=op.f("pk_conversation_members")),
    )
    op.create_index(
        op.f("ix_conversation_members_conversation_id"), "conversation_members", ["conversation_id"]
    )
    op.create_index(op.f("ix_conversation_members_other_user_id"), "conversation_members", ["other_user_id"])
    op.create_index(
        "ix_conversation_members_user_id_last_message_at",
        "conversation_members",
        ["user_id", "last_message_at", "conversation_id"],
    )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_notifications_user_id")),
    )
    op.create_index("ix_notifications_user_id_timestamp", "notifications", ["user_id", "timestamp"])


def downgrade():
    op.drop_table("notifications")
    op.drop_table("conversation_members")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_conversations_last_message_id_messages"), "conversations", type_="foreignkey")
    op.drop_table("messages")
    op.drop_table("conversations")
    # Not in batch mode: on SQLite that would rebuild users and lose its expression indexes
    # (lower(username), lower(email)); SQLite 3.35 and later drop a column in place.
    op.drop_column("users", "unread_message_count")
