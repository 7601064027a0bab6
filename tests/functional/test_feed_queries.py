"""Feed pages cost a fixed number of SQL statements, read from indexes, and write nothing."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post, User, utcnow

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
FEEDS = ["/index", "/explore", "/user/susan", "/index?page=2",
         "/explore?before=2000000000", "/user/susan?before=2000000000", "/index?before=9999999999999999.1"]
# Statements per page: the person (session loader) and the page of posts with their authors; on the
# home feed the reposters and what the reader liked and reposted come in that same statement,
# elsewhere one more statement says it for the whole page; a profile also reads its owner, whether
# either blocked or muted the other, and whether the reader follows them.
STATEMENTS = {"/index": 2, "/explore": 3, "/user/susan": 7, "/tag/flask": 3, "/post": 5}


def most_statements(url: str) -> int:
    path = url.split("?")[0]
    return STATEMENTS["/post" if path.startswith("/post/") else path]


@pytest.fixture
def network(make_user, make_post, auth):
    """john follows susan and mary; each has posts."""
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    john.follow(susan)
    john.follow(mary)
    db.session.commit()
    auth.login()

    def add_posts(count: int) -> None:
        start = utcnow()
        for n in range(count):
            post = make_post([john, susan, mary][n % 3], f"post {n}", start + timedelta(seconds=n))
            # Likes and reposts on the page, john's own among them, cost no statement per post.
            if n % 2:
                post.like(john)
                post.like(susan)
            if n % 3 == 0:
                post.repost(mary)
            if n % 5 == 0:
                post.repost(john)
        db.session.commit()

    return add_posts


def statements_for(client, count_queries, url: str) -> list[str]:
    client.get(url)  # warm up: last_seen, caches
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements


@pytest.mark.parametrize("url", FEEDS)
def test_feed_statement_count_does_not_grow_with_posts(app, client, count_queries, network, url):
    app.config["POSTS_PER_PAGE"] = 5
    network(6)
    few = statements_for(client, count_queries, url)
    network(40)
    many = statements_for(client, count_queries, url)
    assert len(many) == len(few)
    assert len(many) <= most_statements(url), many


@pytest.mark.parametrize("url", FEEDS)
def test_feed_pages_write_nothing(client, count_queries, network, url):
    network(10)
    statements = statements_for(client, count_queries, url)
    assert [s for s in statements if WRITES.match(s)] == []


def test_home_feed_is_one_query_without_count(client, count_queries, network):
    network(10)
    statements = statements_for(client, count_queries, "/index")
    post_queries = [s for s in statements if "FROM posts" in s]
    assert len(post_queries) == 1
    assert "count(" not in post_queries[0].lower()
    assert "LIMIT" in post_queries[0]


def test_home_feed_is_answered_from_indexes(app, make_user):
    """With sequential scans off, PostgreSQL plans the feed on indexes; SQLite searches by index."""
    john = make_user("john")
    query = Post.timeline_select(john, depth=26).limit(26)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.session.scalars(sa.text(f"EXPLAIN {compiled}")))
        assert "Seq Scan" not in plan, plan
        assert "Index Only Scan Backward using ix_posts_user_id_timestamp_id" in plan, plan
        assert "ix_reposts_user_id_created_at_post_id" in plan, plan  # index-only backward at scale (bench/RESULTS.md)
    else:
        rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        plan = "\n".join(row[-1] for row in rows)
        for line in plan.splitlines():
            # Scans of the query's own intermediate results are fine; of a table, only through an index.
            intermediate = ("SCAN (subquery", "SCAN ranked", "SCAN feed", "SCAN hidden")
            if line.startswith("SCAN") and not line.startswith(intermediate):
                assert "USING" in line, plan
        assert "posts" in plan and "follows" in plan and "reposts" in plan
    db.session.rollback()
    assert isinstance(john, User)


@pytest.fixture
def conversation(make_user, auth):
    """john follows susan and mary; ``add(count)`` adds posts that each answer the previous one,
    mention two people and carry a tag; returns every post so far."""
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    john.follow(susan)
    john.follow(mary)
    db.session.commit()
    auth.login()
    posts: list[Post] = []

    def add(count: int) -> list[Post]:
        start = utcnow()
        for n in range(count):
            author = [john, susan, mary][n % 3]
            post = Post.publish(author, f"@susan @mary @nobody #flask reply {len(posts)}",
                                in_reply_to=posts[-1].id if posts else None)
            post.timestamp = start + timedelta(seconds=n)
            db.session.commit()
            posts.append(post)
        return posts

    return add


@pytest.mark.parametrize("url", [*FEEDS, "/tag/flask", "/post/{middle}"])
def test_replies_mentions_and_tags_do_not_grow_the_statement_count(app, client, count_queries, conversation, url):
    """Replies bring their parent and its author in the page's query; the mentioned names of a whole
    page are looked up in one more statement; a post page reads its conversation in one."""
    app.config["POSTS_PER_PAGE"] = 5
    posts = conversation(6)
    few = statements_for(client, count_queries, url.format(middle=posts[3].id))
    posts = conversation(40)
    many = statements_for(client, count_queries, url.format(middle=posts[30].id))
    assert len(many) == len(few), many
    # The feeds' statements, plus one for the mentioned people.
    assert len(many) <= most_statements(url) + 1, many
    assert [s for s in many if WRITES.match(s)] == []


def test_the_post_page_shows_a_long_conversation_from_one_query(app, client, count_queries, conversation):
    posts = conversation(30)
    page_statements = statements_for(client, count_queries, f"/post/{posts[-1].id}")
    recursive = [s for s in page_statements if "RECURSIVE" in s.upper()]
    assert len(recursive) == 1
    body = client.get(f"/post/{posts[-1].id}").get_data(as_text=True)
    assert body.count('class="post-permalink"') == 30  # 29 above, the post, no replies


def test_the_tag_timeline_reads_the_tag_index(app):
    """A tag's newest posts come from ix_post_tags_tag_post_id, read backwards from the cursor."""
    from app.pagination import keyset_page

    query = Post.tag_select("flask").where(Post.id < 1000).order_by(Post.id.desc()).limit(26)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.session.scalars(sa.text(f"EXPLAIN {compiled}")))
        assert "ix_post_tags_tag_post_id" in plan, plan
    else:
        rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        plan = "\n".join(row[-1] for row in rows)
        assert any(name in plan for name in ("ix_post_tags_tag_post_id", "sqlite_autoindex_post_tags")), plan
    db.session.rollback()
    assert keyset_page(Post.tag_select("flask"), Post.id, 5).items == []
