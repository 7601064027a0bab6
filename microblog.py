"""Entry point: ``flask`` and gunicorn (``microblog:app``) load the app from here."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from app import create_app
from app.extensions import db
from app.models import Conversation, ConversationMember, Message, Notification, Post, User

app = create_app()


@app.shell_context_processor
def make_shell_context():
    return {
        "sa": sa, "so": so, "db": db, "User": User, "Post": Post, "Message": Message,
        "Conversation": Conversation, "ConversationMember": ConversationMember, "Notification": Notification,
    }
