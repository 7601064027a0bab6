"""``flask seed`` builds a deterministic network with consistent counters, times and readable texts."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import ConversationMember, Message, Post, User, follows, likes, post_tags, reposts
from app.richtext import tags_of
from app.seed import DEMO_PASSWORD, SEEDED_TABLES


def snapshot():
    users = db.session.execute(
        sa.select(User.username, User.posts_count, User.followers_count, User.following_count).order_by(User.id)
    ).all()
    posts = db.session.execute(sa.select(Post.user_id, Post.body).order_by(Post.id)).all()
    db.session.commit()  # release the read locks before the schema is dropped
    return users, posts


def test_seed_fills_an_empty_database(app):
    result = app.test_cli_runner().invoke(args=["seed", "--users", "40", "--posts", "600", "--follows", "5"])
    assert result.exit_code == 0, result.output
    assert "Seeded 40 people and 600 posts." in result.output
    assert f"password '{DEMO_PASSWORD}'" in result.output
    users = db.session.scalars(sa.select(User)).all()
    assert len(users) == 40
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 600
    for user in users:
        assert user.posts_count == db.session.scalar(sa.select(sa.func.count()).where(Post.user_id == user.id))
        assert user.followers_count == db.session.scalar(
            sa.select(sa.func.count()).select_from(follows).where(follows.c.followed_id == user.id))
    assert users[0].check_password(DEMO_PASSWORD)
    assert all(len(body) <= 140 and not body.endswith(" ") for body in db.session.scalars(sa.select(Post.body)))
    # The demo account (printed) has conversations, each with unread messages.
    demo = User.find_by_username(result.output.split("username '")[1].split("'")[0])
    conversations = db.session.scalars(ConversationMember.list_select(demo)).all()
    assert len(conversations) == min(4, demo.following_count) > 0
    assert all(side.unread_count >= 1 for side in conversations)
    assert demo.unread_message_count == sum(side.unread_count for side in conversations)
    # Popularity is skewed: the most-followed account has several times the median.
    followers = sorted(user.followers_count for user in users)
    assert followers[-1] >= 3 * max(followers[len(followers) // 2], 1)
    # Posts come in time order, spread over the past year.
    times = db.session.scalars(sa.select(Post.timestamp).order_by(Post.id)).all()
    assert times == sorted(times)
    assert (times[-1] - times[0]).days > 200
    # Tagged texts are on their tags' timelines, as if published one by one.
    stored = {(post_id, tag) for post_id, tag in db.session.execute(sa.select(post_tags))}
    expected = {(post.id, tag) for post in db.session.scalars(sa.select(Post)) for tag in tags_of(post.body)}
    assert stored == expected and stored


def test_seed_adds_likes_and_reposts_counted_on_their_posts(app):
    result = app.test_cli_runner().invoke(
        args=["seed", "--users", "30", "--posts", "300", "--follows", "5", "--likes", "400", "--reposts", "60"])
    assert result.exit_code == 0, result.output
    for table, column in ((likes, Post.like_count), (reposts, Post.repost_count)):
        total = db.session.scalar(sa.select(sa.func.count()).select_from(table))
        assert 0.8 * (400 if table is likes else 60) <= total <= (400 if table is likes else 60)
        assert db.session.scalar(sa.select(sa.func.sum(column))) == total
        mismatched = sa.select(sa.func.count()).select_from(Post).where(
            column != sa.select(sa.func.count()).select_from(table).where(table.c.post_id == Post.id)
            .scalar_subquery())
        assert db.session.scalar(mismatched) == 0
        # Each came after its post, and none in the future.
        early = sa.select(sa.func.count()).select_from(table).join(Post, Post.id == table.c.post_id).where(
            table.c.created_at < Post.timestamp)
        assert db.session.scalar(early) == 0
    # Recent posts are liked more than old ones (post ids grow with time).
    middle = db.session.scalar(sa.select(sa.func.min(Post.id))) + 150
    newer = db.session.scalar(sa.select(sa.func.count()).select_from(likes).where(likes.c.post_id >= middle))
    assert newer > 2 * (db.session.scalar(sa.select(sa.func.count()).select_from(likes)) - newer)


def test_seed_is_deterministic(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "--users", "20", "--posts", "100"])
    first = snapshot()
    runner.invoke(args=["db", "downgrade", "base"])
    runner.invoke(args=["db", "upgrade"])
    runner.invoke(args=["seed", "--users", "20", "--posts", "100"])
    assert snapshot() == first


def test_seed_refuses_a_database_with_people_unless_if_empty(app, make_user):
    make_user("john")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "--users", "5", "--posts", "5"])
    assert result.exit_code == 1
    assert "already has 1 people" in result.output
    result = runner.invoke(args=["seed", "--if-empty"])
    assert result.exit_code == 0 and "not seeding" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_seeded_times_agree_and_texts_read_like_people(app):
    result = app.test_cli_runner().invoke(args=["seed", "--users", "30", "--posts", "400", "--follows", "5"])
    assert result.exit_code == 0, result.output
    # Nobody was last seen before their latest post or message.
    def latest_by(column, timestamp) -> dict:
        return dict(db.session.execute(sa.select(column, sa.func.max(timestamp)).group_by(column)).all())

    latest_post = latest_by(Post.user_id, Post.timestamp)
    latest_message = latest_by(Message.sender_id, Message.timestamp)
    for user in db.session.scalars(sa.select(User)):
        for latest in (latest_post.get(user.id), latest_message.get(user.id)):
            assert latest is None or user.last_seen >= latest, user.username
    # Messages are spread over time, in the order they were sent, and the conversation list agrees.
    messages = db.session.scalars(sa.select(Message).order_by(Message.conversation_id, Message.id)).all()
    assert len({m.timestamp for m in messages}) == len(messages)
    for first, second in zip(messages, messages[1:], strict=False):
        if first.conversation_id == second.conversation_id:
            assert first.timestamp < second.timestamp
    for side in db.session.scalars(sa.select(ConversationMember)):
        assert side.last_message_at == side.conversation.last_message.timestamp
    # Posts are sentences from the templates, not word salad.
    bodies = db.session.scalars(sa.select(Post.body)).all()
    assert all(re.search(r"([.!?)]|#\w+|…)$", body) for body in bodies)
    assert len(set(bodies)) > 200
    # The first person is the demo account, and the front page offers it.
    demo = db.session.scalar(sa.select(User).order_by(User.id).limit(1))
    assert f"username '{demo.username}'" in result.output
    assert f"<code>{demo.username}</code>" in app.test_client().get("/").get_data(as_text=True)


def test_seed_ends_by_analysing_what_it_wrote(app, count_queries):
    with count_queries() as statements:
        result = app.test_cli_runner().invoke(args=["seed", "--users", "30", "--posts", "400", "--follows", "4"])
    assert result.exit_code == 0, result.output
    postgresql = db.engine.dialect.name == "postgresql"
    last_write = max(n for n, s in enumerate(statements) if s.lstrip().upper().startswith(("INSERT", "UPDATE")))
    analysed = [s for s in statements[last_write:] if "ANALYZE" in s]
    assert analysed
    for table in SEEDED_TABLES:
        assert (f'VACUUM ANALYZE "{table}"' if postgresql else f'ANALYZE "{table}"') in analysed
    # The planner has the statistics at once, without waiting for autovacuum.
    if postgresql:
        tuples, visible = db.session.execute(sa.text(
            "SELECT reltuples, relallvisible FROM pg_class WHERE relname = 'posts'")).one()
        assert tuples == 400 and visible > 0
    else:
        assert db.session.scalar(sa.text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'posts'")) >= 1
