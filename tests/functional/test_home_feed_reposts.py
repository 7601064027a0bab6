"""The home feed with reposts: who sees them, once per page, in repost order, paged by keyset cursor."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.feed import decode_cursor, encode_cursor, home_feed
from app.models import Post, utcnow


@pytest.fixture
def people(make_user):
    """john follows susan and mary; david is followed by nobody."""
    john, susan, mary, david = (make_user(name) for name in ("john", "susan", "mary", "david"))
    john.follow(susan)
    john.follow(mary)
    db.session.commit()
    return john, susan, mary, david


START = utcnow() - timedelta(hours=1)


def at(seconds: float):
    return START + timedelta(seconds=seconds)


def repost(post: Post, user, seconds: float) -> None:
    from app.models import reposts

    post.repost(user)
    db.session.execute(reposts.update().where(reposts.c.post_id == post.id, reposts.c.user_id == user.id)
                       .values(created_at=at(seconds)))
    db.session.commit()


def feed(user, per_page: int = 20):
    items = home_feed(user, per_page).items
    return [(post.body, post.reposted_by.username if post.reposted_by else None) for post in items]


def test_a_repost_by_someone_you_follow_brings_a_post_at_the_repost_time(people, make_post):
    john, susan, mary, david = people
    old = make_post(david, "david's old post", at(1))
    make_post(susan, "susan's post", at(2))
    make_post(mary, "mary's post", at(3))
    repost(old, susan, 4)
    assert feed(john) == [("david's old post", "susan"), ("mary's post", None), ("susan's post", None)]
    # david's followers would see it; people who do not follow susan do not.
    assert feed(mary) == [("mary's post", None)]
    page = home_feed(john, 20)
    assert page.items[0].feed_time == at(4) and page.items[0].timestamp == at(1)


def test_a_post_reposted_by_two_people_shows_once_by_the_later(people, make_post):
    john, susan, mary, david = people
    post = make_post(david, "everyone shares this", at(1))
    make_post(susan, "between", at(2))
    repost(post, mary, 3)
    repost(post, susan, 5)
    make_post(mary, "newest", at(6))
    assert feed(john) == [("newest", None), ("everyone shares this", "susan"), ("between", None)]


def test_a_repost_of_a_post_already_in_your_feed_moves_it_up_once(people, make_post):
    john, susan, mary, _ = people
    post = make_post(mary, "mary says", at(1))
    make_post(susan, "susan says", at(2))
    repost(post, susan, 3)
    assert feed(john) == [("mary says", "susan"), ("susan says", None)]
    # Your own reposts are in your feed too; undoing one takes the post back to its place.
    db.session.get(Post, post.id).unrepost(susan)
    db.session.commit()
    assert feed(john) == [("susan says", None), ("mary says", None)]


def test_the_feed_knows_what_the_reader_liked_and_reposted(people, make_post):
    john, susan, _, _ = people
    liked = make_post(susan, "liked", at(1))
    shared = make_post(susan, "shared", at(2))
    liked.like(john)
    repost(shared, john, 3)
    items = home_feed(john, 20).items
    assert [(p.body, p.reader_liked, p.reader_reposted, p.like_count, p.repost_count) for p in items] == [
        ("shared", False, True, 0, 1), ("liked", True, False, 1, 0)]


def test_cursor_pages_walk_the_feed_once_and_back(people, make_post):
    john, susan, mary, david = people
    posts = [make_post([john, susan, mary, david][n % 4], f"post {n}", at(n)) for n in range(23)]
    for n, post in enumerate(posts[:8]):
        if post.user_id == david.id:
            repost(post, susan, 30 + n)
    everything = [p.body for p in home_feed(john, 100).items]
    assert len(everything) == len(set(everything)) == 20  # 18 not by david, and 2 of his 5 reposted by susan
    walked, page, pages = [], home_feed(john, 5), []
    while True:
        pages.append(page)
        walked.extend(p.body for p in page.items)
        if not page.older:
            break
        page = home_feed(john, 5, before=decode_cursor(page.older))
    assert walked == everything
    # ?page=N answers the same pages, by offset.
    for number, cursor_page in enumerate(pages, start=1):
        assert [p.body for p in home_feed(john, 5, number=number).items] == [p.body for p in cursor_page.items]
    # From a page, "newer" goes back to the page before it.
    back = home_feed(john, 5, after=decode_cursor(pages[2].newer))
    assert [p.body for p in back.items] == [p.body for p in pages[1].items]
    assert back.newer and back.older == encode_cursor(pages[1].items[-1])


def test_the_home_page_links_by_cursor_and_refuses_a_bad_one(app, client, people, make_post, auth):
    app.config["POSTS_PER_PAGE"] = 3
    john, susan, _, _ = people
    for n in range(8):
        make_post(susan, f"post {n}", at(n))
    auth.login()
    html = client.get("/index").get_data(as_text=True)
    assert "/index?before=" in html and "/index?after=" not in html
    cursor = html.split("/index?before=")[1].split('"')[0]
    older = client.get(f"/index?before={cursor}").get_data(as_text=True)
    assert "post 4" in older and "post 5" not in older and "/index?after=" in older
    newer = older.split("/index?after=")[1].split('"')[0]
    back = client.get(f"/index?after={newer}").get_data(as_text=True)
    assert "post 7" in back and "post 4" not in back
    assert "post 1" in client.get("/index?page=3").get_data(as_text=True)
    for bad in ("x", "1.2.3", "-5.1", "99999999999999999.1", "1.99999999999", "1e5.2", "", "١٢.٣", "5.1%0A"):
        response = client.get(f"/index?before={bad}")
        assert response.status_code == (200 if bad == "" else 400), bad
    assert client.get("/index?after=nope").status_code == 400
    assert client.get("/index?before=1.9999999999").status_code == 200  # an id beyond any: the same bound


def test_the_repost_line_names_the_reposter(client, people, make_post, auth):
    john, susan, _, david = people
    post = make_post(david, "<script>david</script>", at(1))
    repost(post, susan, 2)
    auth.login()
    html = client.get("/index").get_data(as_text=True)
    assert "Reposted by" in html and 'href="/user/susan"' in html
    assert "&lt;script&gt;david&lt;/script&gt;" in html
