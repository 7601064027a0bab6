"""``flask search reindex``, and seeded posts being searchable, on each database and with Elasticsearch."""

import sqlalchemy as sa

from app import search
from app.extensions import db
from app.models import Post, User
from tests.fake_elasticsearch import FakeElasticsearch, error


def test_seeded_posts_and_people_are_searchable_without_reindexing(app):
    result = app.test_cli_runner().invoke(args=["seed", "--users", "20", "--posts", "200", "--follows", "3"])
    assert result.exit_code == 0, result.output
    word = db.session.scalar(sa.select(Post.body).order_by(Post.id).limit(1)).split()[0]
    page = Post.search(word, 1, 500)
    expected = db.session.scalars(sa.select(Post.id).where(Post.body.like(f"%{word}%"))).all()
    assert set(expected) <= {post.id for post in page.items} and page.total >= len(expected) > 0
    someone = db.session.scalar(sa.select(User).order_by(User.id).limit(1))
    assert someone in User.search(someone.username).items


def test_reindex_rebuilds_the_database_index(app, make_user, make_post):
    author = make_user("ann")
    make_post(author, "tulips in spring")
    if db.engine.dialect.name == "sqlite":  # lose the index, as a damaged file would
        db.session.execute(sa.text("DELETE FROM posts_search"))
        db.session.commit()
        assert Post.search("tulips").items == []
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 posts (database)." in result.output and "Indexed 1 users (database)." in result.output
    assert [post.body for post in Post.search("tulips").items] == ["tulips in spring"]


def test_reindex_one_model_and_refuse_unknown_ones(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex", "Users"])
    assert result.exit_code == 0 and "Indexed 0 users" in result.output and "posts" not in result.output
    result = runner.invoke(args=["search", "reindex", "messages"])
    assert result.exit_code == 2 and "choose one of posts, users" in result.output


def test_reindex_into_elasticsearch_with_a_progress_bar(app, make_user):
    author = make_user("ann")
    rows = [{"body": f"tulip {number}", "user_id": author.id} for number in range(3)]
    db.session.execute(sa.insert(Post.__table__), rows)  # in bulk, as flask seed writes: no ORM events
    db.session.commit()
    with FakeElasticsearch() as fake:
        app.config.update(ELASTICSEARCH_URL=fake.url)
        search.init_app(app)
        try:
            result = app.test_cli_runner().invoke(args=["search", "reindex", "posts"])
            assert result.exit_code == 0, result.output
            assert "Indexing posts" in result.output and "Indexed 3 posts (elasticsearch)." in result.output
            assert len(fake.indices["microblog-posts"]["documents"]) == 3
            fake.failure = error(503, "unavailable_shards_exception", "primary shard is not active")
            result = app.test_cli_runner().invoke(args=["search", "reindex", "posts"])
            assert result.exit_code == 1 and "Elasticsearch at http://127.0.0.1" in result.output
        finally:
            app.config["ELASTICSEARCH_URL"] = None
            search.init_app(app)
