"""``flask seed`` builds a deterministic network with consistent counters."""

import sqlalchemy as sa

from app.extensions import db
from app.models import ConversationMember, Post, User, follows
from app.seed import DEMO_PASSWORD


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
