"""People and how you relate to them: follower lists, blocking and muting."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from .. import blocking
from ..extensions import db
from ..models import Block, Mute, User, follows
from ..web import InvalidInput, is_safe_next
from . import bp
from .forms import EmptyForm
from .helpers import find_user_or_404

# A place in a list of people ordered by when they joined it: microseconds since the epoch, then the user id.
CURSOR = re.compile(r"(\d{1,17})\.(\d{1,10})\Z")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class PeoplePage:
    people: list[User]
    next_cursor: str | None  # ``?before=`` of the next page, None on the last one
    following_ids: set[int]  # which of them the reader follows (for the buttons)


def people_cursor(moment: datetime, user_id: int) -> str:
    """The cursor just after a row: when it was added, in microseconds, and the person's id."""
    return f"{(moment - EPOCH) // timedelta(microseconds=1)}.{user_id}"


def parse_people_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """``?before=`` as (time, id), None when absent; anything malformed is a 400 naming it."""
    if raw is None or raw == "":
        return None
    match = CURSOR.match(raw) if raw.isascii() else None
    if match is None or int(match.group(2)) > 2**31 - 1:
        raise InvalidInput(
            {"before": ["Give the cursor of a page's Older link."]}, "The parameter 'before' is not valid."
        )
    return EPOCH + timedelta(microseconds=int(match.group(1))), int(match.group(2))


def people_page(select: sa.Select, added_at: sa.ColumnElement, per_page: int) -> PeoplePage:
    """One page of ``select`` (rows of User and when they joined the list), newest first, by keyset.

    The bound is ``(added_at, id) < cursor``, so each page reads forward in the
    index from where the last one ended, however deep.
    """
    bound = parse_people_cursor(request.args.get("before"))
    select = select.add_columns(added_at)
    if bound is not None:
        moment, user_id = bound
        select = select.where(sa.or_(added_at < moment, sa.and_(added_at == moment, User.id < user_id)))
    rows = db.session.execute(select.order_by(added_at.desc(), User.id.desc()).limit(per_page + 1)).all()
    people = [person for person, _ in rows[:per_page]]
    next_cursor = people_cursor(rows[per_page - 1][1], rows[per_page - 1][0].id) if len(rows) > per_page else None
    return PeoplePage(people, next_cursor, followed_among(people))


def followed_among(people: list[User]) -> set[int]:
    """The ids of those ``people`` the signed-in reader follows: one query for the whole page."""
    if current_user.is_anonymous or not people:
        return set()
    query = sa.select(follows.c.followed_id).where(
        follows.c.follower_id == current_user.id, follows.c.followed_id.in_([person.id for person in people])
    )
    return set(db.session.scalars(query))


def people_per_page() -> int:
    return current_app.config["PEOPLE_PER_PAGE"]


# -- follower lists ------------------------------------------------------------------------------


@bp.route("/user/<username>/followers")
@login_required
def followers(username: str):
    """The people who follow someone, most recent first."""
    user = find_user_or_404(username)
    select = sa.select(User).join(follows, follows.c.follower_id == User.id).where(follows.c.followed_id == user.id)
    page = people_page(select, follows.c.created_at, people_per_page())
    return render_template(
        "main/people.html", title=_("People following %(username)s", username=user.username), user=user, page=page,
        tab="followers", form=EmptyForm(),
    )


@bp.route("/user/<username>/following")
@login_required
def following(username: str):
    """The people someone follows, most recent first."""
    user = find_user_or_404(username)
    select = sa.select(User).join(follows, follows.c.followed_id == User.id).where(follows.c.follower_id == user.id)
    page = people_page(select, follows.c.created_at, people_per_page())
    return render_template(
        "main/people.html", title=_("People %(username)s follows", username=user.username), user=user, page=page,
        tab="following", form=EmptyForm(),
    )


# -- blocking and muting -------------------------------------------------------------------------


@bp.route("/block/<username>", methods=["POST"])
@login_required
def block(username: str):
    """Block a person: no messages, follows, mentions or replies between you, and out of each other's feeds."""
    user = checked_target(username)
    if blocking.block(current_user, user):
        db.session.commit()
    flash(_("You blocked %(username)s. Neither of you can follow or message the other.", username=user.username),
          "success")
    return back_to(user)


@bp.route("/unblock/<username>", methods=["POST"])
@login_required
def unblock(username: str):
    """Lift your block of a person (follows that the block ended stay ended)."""
    user = checked_target(username)
    if blocking.unblock(current_user, user):
        db.session.commit()
    flash(_("You unblocked %(username)s.", username=user.username), "success")
    return back_to(user)


@bp.route("/mute/<username>", methods=["POST"])
@login_required
def mute(username: str):
    """Mute a person: their posts leave your feeds; they are not told."""
    user = checked_target(username)
    if blocking.mute(current_user, user):
        db.session.commit()
    flash(_("You muted %(username)s. Their posts no longer show in your feeds.", username=user.username), "success")
    return back_to(user)


@bp.route("/unmute/<username>", methods=["POST"])
@login_required
def unmute(username: str):
    """Read a muted person's posts in your feeds again."""
    user = checked_target(username)
    if blocking.unmute(current_user, user):
        db.session.commit()
    flash(_("You unmuted %(username)s.", username=user.username), "success")
    return back_to(user)


def checked_target(username: str) -> User:
    """The person a block or mute form names, after its CSRF token; never oneself."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = find_user_or_404(username)
    if user.id == current_user.id:
        abort(400, description=_("You cannot block or mute yourself."))
    return user


def back_to(user: User):
    """Back to the page the form was on (a safe ``next``), else the person's profile."""
    next_page = request.form.get("next")
    return redirect(next_page if is_safe_next(next_page) else url_for("main.user", username=user.username))


@bp.route("/settings/blocked")
@login_required
def blocked_people():
    """The people you blocked, most recent first, each with an Unblock button."""
    select = sa.select(User).join(Block, Block.blocked_id == User.id).where(Block.blocker_id == current_user.id)
    page = people_page(select, Block.created_at, people_per_page())
    return render_template("main/blocked.html", title=_("Blocked and muted"), page=page, tab="blocked",
                           form=EmptyForm())


@bp.route("/settings/muted")
@login_required
def muted_people():
    """The people you muted, most recent first, each with an Unmute button."""
    select = sa.select(User).join(Mute, Mute.muted_id == User.id).where(Mute.muter_id == current_user.id)
    page = people_page(select, Mute.created_at, people_per_page())
    return render_template("main/blocked.html", title=_("Blocked and muted"), page=page, tab="muted",
                           form=EmptyForm())
