"""The notifications page: what other people did that concerns you, grouped, newest first."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import FOLLOW, LIKE, REPOST, Activity, Post, User
from ..pagination import keyset_page
from ..web import query_int
from . import bp

# Kinds whose items about the same thing become one line ("5 people liked your post");
# a mention or a reply is a post of its own and keeps its own line.
GROUPED_KINDS = (FOLLOW, LIKE, REPOST)


@dataclass
class ActivityGroup:
    """One line of the page: one kind of action on one thing, by one or more people."""

    kind: str
    post_id: int | None
    newest_id: int
    timestamp: datetime
    unread: bool
    actors: list[User] = field(default_factory=list)
    post: Post | None = None

    @property
    def others_count(self) -> int:
        """How many people besides the first one named."""
        return len(self.actors) - 1


def group_activities(items: list[Activity], read_mark: int) -> list[ActivityGroup]:
    """Fold a page of items, newest first, into lines: follows together, likes and reposts per post.

    A line takes the place of its newest item, its time and its people newest first;
    it is unread when any of its items is newer than ``read_mark``.
    """
    groups: list[ActivityGroup] = []
    by_key: dict[tuple, ActivityGroup] = {}
    for item in items:
        key = (item.kind, item.post_id) if item.kind in GROUPED_KINDS else (item.kind, item.post_id, item.id)
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = ActivityGroup(item.kind, item.post_id, item.id, item.timestamp, False)
            groups.append(group)
        group.actors.append(item.actor)
        group.unread = group.unread or item.id > read_mark
    return groups


@bp.route("/notifications/all")
@login_required
def all_notifications():
    """Your notifications page: new followers, mentions, replies, likes and reposts, newest first, grouped.

    Paged by keyset (``?before=<item id>``); showing items newer than your read mark marks them read.
    """
    per_page = current_app.config["ACTIVITY_PER_PAGE"]
    before = query_int("before", minimum=1)
    page = keyset_page(Activity.for_user_select(current_user.id).order_by(None), Activity.id, per_page, before=before)
    read_mark = current_user.activity_read_id
    groups = group_activities(page.items, read_mark)
    attach_posts(groups)
    newest_shown = page.items[0].id if page.items else 0
    if newest_shown > read_mark:
        Activity.mark_read(current_user.id, newest_shown)
        db.session.commit()
    next_before = page.items[-1].id if page.has_more else None
    return render_template(
        "main/notifications.html", title=_("Notifications"), groups=groups, next_before=next_before,
    )


def attach_posts(groups: list[ActivityGroup]) -> None:
    """Give each line its post, read in one query for the whole page."""
    post_ids = {group.post_id for group in groups if group.post_id is not None}
    if not post_ids:
        return
    posts = {post.id: post for post in db.session.scalars(sa.select(Post).where(Post.id.in_(post_ids)))}
    for group in groups:
        group.post = posts.get(group.post_id)
