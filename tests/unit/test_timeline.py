from datetime import timedelta

from app.extensions import db
from app.models import Post, utcnow
from app.pagination import paginate


def test_timeline_holds_own_and_followed_posts_newest_first(make_user, make_post):
    john, susan, mary, david = (make_user(name) for name in ("john", "susan", "mary", "david"))
    now = utcnow()
    p1 = make_post(john, "post from john", now + timedelta(seconds=1))
    p2 = make_post(susan, "post from susan", now + timedelta(seconds=4))
    p3 = make_post(mary, "post from mary", now + timedelta(seconds=3))
    p4 = make_post(david, "post from david", now + timedelta(seconds=2))
    john.follow(susan)
    john.follow(david)
    susan.follow(mary)
    mary.follow(david)
    db.session.commit()

    for depth in (None, 1, 2, 10):

        def timeline(user, depth=depth):
            return db.session.scalars(Post.timeline_select(user, depth=depth).limit(depth)).all()

        assert timeline(john) == [p2, p4, p1][:depth]
        assert timeline(susan) == [p2, p3][:depth]
        assert timeline(mary) == [p3, p4][:depth]
        assert timeline(david) == [p4][:depth]


def test_deep_timeline_pages_match_the_unbounded_feed(make_user, make_post):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    john.follow(susan)
    john.follow(mary)
    start = utcnow()
    for n in range(30):
        author = [john, susan, mary][n % 3 if n < 20 else 1]
        make_post(author, f"post {n}", start + timedelta(seconds=n % 7, milliseconds=n))
    everything = db.session.scalars(Post.timeline_select(john)).all()
    assert len(everything) == 30
    for number in (1, 2, 3, 4):
        page = paginate(Post.timeline_select(john, depth=number * 8 + 1), number, 8)
        assert page.items == everything[(number - 1) * 8: number * 8]
        assert page.has_next == (number * 8 < 30)


def test_posts_count_follows_publishing(make_user, make_post):
    john = make_user("john")
    make_post(john, "one")
    make_post(john, "two")
    assert john.posts_count == 2


def test_publish_trims_the_body(make_user):
    john = make_user("john")
    post = Post.publish(john, "  hello  \n")
    db.session.commit()
    assert post.body == "hello"


def test_paginate_fetches_one_extra_row_and_no_count(make_user, make_post, count_queries):
    john = make_user("john")
    now = utcnow()
    posts = [make_post(john, f"post {n}", now + timedelta(seconds=n)) for n in range(5)]
    newest_first = posts[::-1]
    select = Post.by_author_select(john)
    with count_queries() as statements:
        first = paginate(select, 1, 2)
    assert len(statements) == 1 and "count(" not in statements[0].lower()
    assert (first.items, first.has_prev, first.has_next) == (newest_first[:2], False, True)
    last = paginate(Post.by_author_select(john), 3, 2)
    assert (last.items, last.has_prev, last.has_next) == (newest_first[4:], True, False)
    beyond = paginate(Post.by_author_select(john), 9, 2)
    assert (beyond.items, beyond.has_next) == ([], False)
