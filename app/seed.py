"""``flask seed``: a realistic, deterministic demo network.

People post unevenly (a few are very active), mostly in recent months, and
follow each other around a handful of popular accounts. Posts, profiles and
messages are readable sentences (``seed_content``); times agree with each
other (nobody was last seen before their latest post or message; messages
are spread over hours and days). Rows are inserted in bulk, so 10,000 people
and 1,000,000 posts take minutes, not hours. The first person is the demo
account, which the front page offers while it still has the demo password.
"""

import math
import random
from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import accumulate

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from werkzeug.security import check_password_hash, generate_password_hash

from . import seed_content
from .extensions import db
from .models import (
    MAX_POST_LENGTH,
    Conversation,
    ConversationMember,
    Message,
    Notification,
    Post,
    User,
    follows,
    likes,
    post_tags,
    reposts,
    vacuum_analyze,
)
from .models.base import dialect_insert
from .richtext import tags_of

DEMO_PASSWORD = "microblog-demo"
BATCH_SIZE = 5_000
YEAR = timedelta(days=365)
# What the command writes; analysed at the end, so the first page views get good plans at once.
SEEDED_TABLES = tuple(table.name for table in (
    User.__table__, follows, Post.__table__, post_tags, Conversation.__table__, ConversationMember.__table__,
    Message.__table__, Notification.__table__, likes, reposts,
))


@click.command("seed")
@click.option("--users", "user_total", default=200, show_default=True, help="How many people.")
@click.option("--posts", "post_total", default=5_000, show_default=True, help="How many posts in all.")
@click.option("--follows", "follows_per_user", default=25, show_default=True, help="Average follows per person.")
@click.option("--likes", "like_total", default=0, show_default=True, help="How many likes in all.")
@click.option("--reposts", "repost_total", default=0, show_default=True, help="How many reposts in all.")
@click.option("--seed", "random_seed", default=2024, show_default=True, help="Same seed, same network.")
@click.option("--if-empty", is_flag=True, help="Quietly do nothing when people already exist.")
@with_appcontext
def seed_command(
    user_total: int, post_total: int, follows_per_user: int, like_total: int, repost_total: int, random_seed: int,
    if_empty: bool,
) -> None:
    """Fill an empty database with demo people, posts, follows, likes and reposts, then analyse what it wrote."""
    if user_total < 2:
        raise click.BadParameter("at least 2 people are needed", param_hint="--users")
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    if existing:
        if if_empty:
            click.echo(f"The database already has {existing} people; not seeding. "
                       f"Demo accounts use the password {DEMO_PASSWORD!r}.")
            return
        raise click.ClickException(
            f"The database already has {existing} people. Seeding needs an empty database "
            "(start over with `flask db downgrade base && flask db upgrade`)."
        )
    network = DemoNetwork(random_seed, datetime.now(UTC))
    user_ids = network.insert_users(user_total)
    network.insert_follows(user_ids, follows_per_user)
    network.insert_posts(user_ids, post_total)
    if post_total:
        network.insert_reactions(likes, user_ids, like_total, "Likes")
        network.insert_reactions(reposts, user_ids, repost_total, "Reposts")
    recount()
    last_seen_after_posts()
    db.session.commit()
    demo = db.session.get(User, user_ids[0])
    network.send_messages(demo)
    db.session.commit()
    index_for_search()
    vacuum_analyze(*SEEDED_TABLES)
    click.echo(f"Seeded {user_total} people and {post_total} posts.")
    click.echo(f"Demo login: username {demo.username!r}, password {DEMO_PASSWORD!r}")


def index_for_search() -> None:
    """Index what was inserted in bulk (bulk inserts bypass the ORM, which indexes as it writes)."""
    from .search import SearchUnavailable, get_backend, searchable_models

    backend = get_backend()
    for name, model in searchable_models().items():
        try:
            backend.reindex(model, lambda done: None)
        except SearchUnavailable as error:
            click.echo(f"Could not index {name} for search ({error}); run `flask search reindex` later.", err=True)


def recount() -> None:
    """Set every person's and post's counters from the rows."""
    for table, column in ((likes, "like_count"), (reposts, "repost_count")):
        counted = sa.select(table.c.post_id, sa.func.count().label("n")).group_by(table.c.post_id).subquery()
        db.session.execute(sa.update(Post).where(Post.id == counted.c.post_id).values({column: counted.c.n}))
    for column, select in (
        ("posts_count", sa.select(sa.func.count()).select_from(Post).where(Post.user_id == User.id)),
        ("followers_count", sa.select(sa.func.count()).select_from(follows).where(follows.c.followed_id == User.id)),
        ("following_count", sa.select(sa.func.count()).select_from(follows).where(follows.c.follower_id == User.id)),
    ):
        db.session.execute(sa.update(User).values({column: select.scalar_subquery()}))


def last_seen_after_posts() -> None:
    """Nobody was last seen before their latest post."""
    latest = sa.select(sa.func.max(Post.timestamp)).where(Post.user_id == User.id).scalar_subquery()
    db.session.execute(sa.update(User).where(latest > User.last_seen).values(last_seen=latest))


def demo_username() -> str | None:
    """The demo account's username, if ``flask seed`` made this network and its password is unchanged."""
    first = db.session.execute(sa.select(User.username, User.password_hash).order_by(User.id).limit(1)).first()
    if first is None or not first.password_hash:
        return None
    return first.username if has_demo_password(first.password_hash) else None


@lru_cache(maxsize=16)
def has_demo_password(password_hash: str) -> bool:
    # One slow hash check per distinct hash and process, not one per page view.
    return check_password_hash(password_hash, DEMO_PASSWORD)


class DemoNetwork:
    """Generates the rows; one random generator makes every run the same."""

    def __init__(self, random_seed: int, now: datetime):
        from faker import Faker  # only the command needs it; the web pages import this module for demo_username

        self.random = random.Random(random_seed)
        self.fake = Faker()
        self.fake.seed_instance(random_seed)
        self.now = now

    def recent_time(self) -> datetime:
        """A moment in the past year, more likely recent than old."""
        return self.now - YEAR * (self.random.random() ** 2)

    def insert_users(self, total: int) -> list[int]:
        """Insert ``total`` people sharing the demo password; returns their ids in order."""
        password_hash = generate_password_hash(DEMO_PASSWORD)
        taken: set[str] = set()
        with click.progressbar(length=total, label="People") as bar:
            for start in range(0, total, BATCH_SIZE):
                rows = []
                for _ in range(min(BATCH_SIZE, total - start)):
                    username = self.unique_username(taken)
                    joined = self.now - YEAR - timedelta(days=self.random.randint(0, 365))
                    rows.append({
                        "username": username,
                        "email": f"{username}@example.com",
                        "password_hash": password_hash,
                        "about_me": seed_content.about_text(self.random)[:140],
                        "created_at": joined,
                        "last_seen": self.now - timedelta(minutes=self.random.randint(1, 60 * 24 * 60)),
                    })
                db.session.execute(sa.insert(User.__table__), rows)
                bar.update(len(rows))
        return list(db.session.scalars(sa.select(User.id).order_by(User.id)))

    def unique_username(self, taken: set[str]) -> str:
        base = self.fake.user_name()[:56]
        username = base
        while username.lower() in taken:
            username = f"{base}{self.random.randint(2, 9999)}"
        taken.add(username.lower())
        return username

    def insert_follows(self, user_ids: list[int], per_user: int) -> None:
        """Each person follows a few others, chosen mostly among the popular."""
        by_popularity = user_ids[:]
        self.random.shuffle(by_popularity)
        # Zipf-like: the k-th most popular account is followed about 1/k as often as the first.
        weights = list(accumulate(1 / (rank + 1) for rank in range(len(by_popularity))))
        rows = []
        with click.progressbar(user_ids, label="Follows") as bar:
            for follower_id in bar:
                wanted = min(len(user_ids) - 1, int(self.random.lognormvariate(math.log(max(per_user, 1)), 0.7)))
                if follower_id == user_ids[0]:
                    wanted = min(len(user_ids) - 1, max(wanted, 2 * per_user))  # the demo account's feed is lively
                chosen: set[int] = set()
                for _ in range(wanted * 3):
                    if len(chosen) >= wanted:
                        break
                    index = bisect_left(weights, self.random.random() * weights[-1])
                    followed_id = by_popularity[min(index, len(by_popularity) - 1)]
                    if followed_id != follower_id:
                        chosen.add(followed_id)
                rows.extend(
                    {"follower_id": follower_id, "followed_id": followed_id, "created_at": self.recent_time()}
                    for followed_id in sorted(chosen)
                )
                if len(rows) >= BATCH_SIZE:
                    db.session.execute(sa.insert(follows), rows)
                    rows = []
        if rows:
            db.session.execute(sa.insert(follows), rows)

    def post_body(self) -> str:
        """A post that reads like a person wrote it, cut at a word if it must be cut."""
        sentence = seed_content.post_text(self.random)
        if len(sentence) <= MAX_POST_LENGTH:
            return sentence
        return sentence[: MAX_POST_LENGTH - 1].rsplit(" ", 1)[0] + "…"

    def send_messages(self, demo: User, conversations: int = 4) -> None:
        """A few conversations for the demo account, spread over the past days, the last word of each unread."""
        partners = db.session.scalars(
            demo.following_select().limit(conversations)
        ).all()
        for index, partner in enumerate(partners):
            lines = seed_content.conversation_lines(self.random, index)
            if len(lines) % 2 == 0:
                lines = lines[1:]  # an odd number of turns: the partner has the last word, still unread
            sent = []
            for turn, line in enumerate(lines):
                sender, recipient = (partner, demo) if turn % 2 == 0 else (demo, partner)
                sent.append(Message.send(sender, recipient, line))
            # Sent just now, so moved back in time: a conversation a day or so, minutes to hours between turns.
            moment = self.now - timedelta(hours=index * 26 + self.random.uniform(0.2, 3))
            times = []
            for _ in sent:
                times.append(moment)
                moment -= timedelta(minutes=self.random.choice([2, 5, 11, 40, 95, 380, 900]))
            for message, timestamp in zip(sent, reversed(times), strict=True):
                message.timestamp = timestamp
            last = times[0]
            db.session.execute(sa.update(Conversation).where(Conversation.id == sent[0].conversation_id)
                               .values(last_message_at=last))
            db.session.execute(sa.update(ConversationMember)
                               .where(ConversationMember.conversation_id == sent[0].conversation_id)
                               .values(last_message_at=last))
            for person in (partner, demo):
                latest = max(m.timestamp for m in sent if m.sender_id == person.id)
                if person.last_seen is None or person.last_seen < latest:
                    person.last_seen = latest

    def insert_posts(self, user_ids: list[int], total: int) -> None:
        """Insert ``total`` posts in time order, by authors of very uneven activity."""
        activity = list(accumulate(self.random.paretovariate(1.2) for _ in user_ids))
        moments = sorted(self.random.random() ** 2 for _ in range(total))
        sentences = [self.post_body() for _ in range(20_000)]
        with click.progressbar(length=total, label="Posts") as bar:
            for start in range(0, total, BATCH_SIZE):
                rows = []
                for age in reversed(moments[max(0, total - start - BATCH_SIZE): total - start]):
                    author = user_ids[bisect_left(activity, self.random.random() * activity[-1])]
                    rows.append({
                        "body": self.random.choice(sentences),
                        "timestamp": self.now - YEAR * age,
                        "user_id": author,
                        "language": "en",  # the demo texts are English
                    })
                posts = Post.__table__
                inserted = db.session.execute(
                    sa.insert(posts).returning(posts.c.id, posts.c.body, sort_by_parameter_order=True), rows
                ).all()
                tags = [{"post_id": id, "tag": tag} for id, body in inserted for tag in sorted(tags_of(body))]
                if tags:
                    db.session.execute(sa.insert(post_tags), tags)
                bar.update(len(rows))

    def insert_reactions(self, table: sa.Table, user_ids: list[int], total: int, label: str) -> None:
        """About ``total`` likes or reposts by anyone, of recent posts far more often, each after its post.

        Post ids grow with time (``insert_posts`` goes oldest first), so favouring high ids
        favours recent posts. Repeats of a (person, post) pair are dropped by the unique constraint.
        """
        first_id, last_id = db.session.execute(sa.select(sa.func.min(Post.id), sa.func.max(Post.id))).one()
        span = last_id - first_id
        with click.progressbar(length=total, label=label) as bar:
            for start in range(0, total, BATCH_SIZE):
                rows = [{
                    "user_id": self.random.choice(user_ids),
                    "post_id": last_id - int(self.random.random() ** 3 * span),
                    "created_at": self.now,  # moved after each post's own time below
                } for _ in range(min(BATCH_SIZE, total - start))]
                db.session.execute(dialect_insert(table).on_conflict_do_nothing(), rows)
                bar.update(len(rows))
        # Each a little after its post (up to three days, never in the future), spread by row id.
        post_time = sa.select(Post.timestamp).where(Post.id == table.c.post_id).scalar_subquery()
        if db.engine.dialect.name == "postgresql":
            moved = post_time + sa.func.make_interval(0, 0, 0, 0, 0, 0, (table.c.id * 7919) % 259200)
            db.session.execute(sa.update(table).values(created_at=sa.func.least(moved, sa.func.now())))
        else:
            moved = sa.func.datetime(post_time, sa.func.printf("+%d seconds", (table.c.id * 7919) % 259200))
            db.session.execute(sa.update(table).values(created_at=sa.func.min(moved, sa.func.datetime("now"))))
