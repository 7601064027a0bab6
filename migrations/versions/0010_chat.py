"""chat rooms, room messages and room presence

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chat_rooms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_chat_rooms_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_rooms")),
    )
    op.create_index("ix_chat_rooms_last_activity_at", "chat_rooms", ["last_activity_at"])
    op.create_index("uq_chat_rooms_name_lower", "chat_rooms", [sa.text("lower(name)")], unique=True)
    op.create_table(
        "room_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(body) <= 2000", name=op.f("ck_room_messages_body_length")),
        sa.ForeignKeyConstraint(["room_id"], ["chat_rooms.id"], name=op.f("fk_room_messages_room_id_chat_rooms"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sender_id"], ["users.id"], name=op.f("fk_room_messages_sender_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_messages")),
    )
    op.create_index("ix_room_messages_room_id_id", "room_messages", ["room_id", "id"])
    op.create_index(op.f("ix_room_messages_sender_id"), "room_messages", ["sender_id"])
    op.create_table(
        "room_presence",
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["chat_rooms.id"], name=op.f("fk_room_presence_room_id_chat_rooms"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_room_presence_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("room_id", "sid", name=op.f("pk_room_presence")),
    )
    op.create_index("ix_room_presence_room_id_expires_at", "room_presence", ["room_id", "expires_at"])
    op.create_index(op.f("ix_room_presence_user_id"), "room_presence", ["user_id"])


def downgrade():
    op.drop_table("room_presence")
    op.drop_table("room_messages")
    op.drop_table("chat_rooms")
