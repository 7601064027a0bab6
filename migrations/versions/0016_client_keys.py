"""client keys: a retried private or room message is stored once

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("messages", sa.Column("client_key", sa.String(length=64), nullable=True))
    op.create_index("uq_messages_conversation_id_sender_id_client_key", "messages",
                    ["conversation_id", "sender_id", "client_key"], unique=True)
    op.add_column("room_messages", sa.Column("client_key", sa.String(length=64), nullable=True))
    op.create_index("uq_room_messages_room_id_sender_id_client_key", "room_messages",
                    ["room_id", "sender_id", "client_key"], unique=True)


def downgrade():
    op.drop_index("uq_room_messages_room_id_sender_id_client_key", table_name="room_messages")
    op.execute("ALTER TABLE room_messages DROP COLUMN client_key")
    op.drop_index("uq_messages_conversation_id_sender_id_client_key", table_name="messages")
    op.execute("ALTER TABLE messages DROP COLUMN client_key")
