"""notification sequence numbers: users.notification_seq, notifications.seq

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("notification_seq", sa.Integer(), server_default="0", nullable=False))
    op.add_column("notifications", sa.Column("seq", sa.Integer(), server_default="0", nullable=False))
    # Number each person's existing notifications in the order they last changed.
    op.execute(
        """
        UPDATE notifications SET seq = (
            SELECT count(*) FROM notifications AS earlier
            WHERE earlier.user_id = notifications.user_id
              AND (earlier.timestamp < notifications.timestamp
                   OR (earlier.timestamp = notifications.timestamp AND earlier.id <= notifications.id))
        )
        """
    )
    op.execute(
        """
        UPDATE users SET notification_seq = (
            SELECT coalesce(max(seq), 0) FROM notifications WHERE notifications.user_id = users.id
        )
        """
    )
    op.create_index("uq_notifications_user_id_seq", "notifications", ["user_id", "seq"], unique=True)


def downgrade():
    op.drop_index("uq_notifications_user_id_seq", table_name="notifications")
    # Plain ALTER TABLE (SQLite 3.35+ has DROP COLUMN): batch mode would rebuild users
    # without the expression indexes SQLite cannot reflect.
    op.execute("ALTER TABLE notifications DROP COLUMN seq")
    op.execute("ALTER TABLE users DROP COLUMN notification_seq")
