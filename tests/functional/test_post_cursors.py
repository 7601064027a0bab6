"""Explore and profiles page by keyset cursors (``?before=``/``?after=`` a post id); ``?page=N`` still answers."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post, utcnow

PAGER_LINK = re.compile(r'<a class="page-link" href="([^"]+)"')


def shown(page: str) -> list[int]:
    """The ids of the posts a page shows, in its order."""
    return [int(n) for n in re.findall(r'id="post(\d+)"', page)]


def links(page: str) -> tuple[str, str]:
    """The pager's newer and older links ('#' when disabled)."""
    found = [href.replace("&amp;", "&") for href in PAGER_LINK.findall(page)]
    assert len(found) == 2, found
    return found[0], found[1]


@pytest.fixture
def timeline(john, make_user, make_post):
    """Eight posts, a minute apart, alternating john and susan, listed newest first (three per page in tests)."""
    susan = make_user("susan")
    now = utcnow()
    posts = [make_post([john, susan][n % 2], f"post {n}", now - timedelta(minutes=8 - n)) for n in range(8)]
    return posts[::-1]


def walk(client, url: str) -> tuple[list[list[int]], list[str]]:
    """Follow the older links from ``url`` to the end: the ids of each page, and the links followed."""
    pages, followed = [], [url]
    while True:
        page = client.get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        pages.append(shown(html))
        if 'class="pagination' not in html:
            return pages, followed
        url = links(html)[1]
        if url == "#":
            return pages, followed
        followed.append(url)


def test_explore_older_links_carry_cursors_and_reach_every_post_once(client, timeline):
    ids = [post.id for post in timeline]
    pages, followed = walk(client, "/explore")
    assert pages == [ids[0:3], ids[3:6], ids[6:8]]
    assert followed == ["/explore", f"/explore?before={ids[2]}", f"/explore?before={ids[5]}"]


def test_explore_newer_link_goes_back_and_the_top_page_is_full(client, timeline):
    ids = [post.id for post in timeline]
    last = client.get(f"/explore?before={ids[5]}").get_data(as_text=True)
    assert links(last) == (f"/explore?after={ids[6]}", "#")
    middle = client.get(f"/explore?after={ids[6]}").get_data(as_text=True)
    assert shown(middle) == ids[3:6]
    assert links(middle) == (f"/explore?after={ids[3]}", f"/explore?before={ids[5]}")
    # Fewer than a page is newer than post 3: the newest page, full, with no newer link.
    top = client.get(f"/explore?after={ids[3]}").get_data(as_text=True)
    assert shown(top) == ids[0:3]
    assert links(top) == ("#", f"/explore?before={ids[2]}")


def test_page_numbers_still_answer_with_cursor_links(client, timeline):
    ids = [post.id for post in timeline]
    second = client.get("/explore?page=2").get_data(as_text=True)
    assert shown(second) == ids[3:6]
    assert links(second) == (f"/explore?after={ids[3]}", f"/explore?before={ids[5]}")
    assert shown(client.get("/explore?page=3").get_data(as_text=True)) == ids[6:8]


def test_profile_pages_by_cursor_show_only_the_authors_posts(client, timeline):
    susan_ids = [post.id for post in timeline if post.author.username == "susan"]
    pages, followed = walk(client, "/user/susan")
    assert pages == [susan_ids[0:3], susan_ids[3:4]]
    assert followed[1] == f"/user/susan?before={susan_ids[2]}"
    newer, older = links(client.get(followed[1]).get_data(as_text=True))
    assert (newer, older) == (f"/user/susan?after={susan_ids[3]}", "#")


def test_posts_at_the_same_moment_are_neither_skipped_nor_repeated(client, john, make_post):
    moment = utcnow()
    ids = [make_post(john, f"same time {n}", moment).id for n in range(7)]
    pages, _ = walk(client, "/explore")
    assert pages == [ids[::-1][0:3], ids[::-1][3:6], ids[::-1][6:7]]
    pages, _ = walk(client, "/user/john")
    assert [n for page in pages for n in page] == ids[::-1]


def test_a_deleted_cursor_post_stands_for_the_next_older(client, timeline):
    ids = [post.id for post in timeline]
    assert timeline[2].delete()
    db.session.commit()
    assert shown(client.get(f"/explore?before={ids[2]}").get_data(as_text=True)) == ids[3:6]
    assert shown(client.get(f"/explore?after={ids[6]}").get_data(as_text=True)) == ids[3:6]


@pytest.mark.parametrize("query", ["before=abc", "before=-1", "after=1.5", "before=99999999999", "after=%00"])
@pytest.mark.parametrize("path", ["/explore", "/user/susan"])
def test_bad_cursors_are_a_400_like_conversations(client, timeline, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400


def test_a_cursor_below_every_post_is_an_empty_page_linking_back(client, timeline):
    empty = client.get("/explore?before=0").get_data(as_text=True)
    assert shown(empty) == []
    assert links(empty) == ("/explore?after=0", "#")
    # Newer than nothing: the three oldest posts.
    assert shown(client.get("/explore?after=0").get_data(as_text=True)) == [post.id for post in timeline[5:]]


def test_before_wins_over_after_as_in_conversations(client, timeline):
    ids = [post.id for post in timeline]
    page = client.get(f"/explore?before={ids[2]}&after={ids[7]}").get_data(as_text=True)
    assert shown(page) == ids[3:6]


def test_cursor_pages_read_one_page_of_posts(client, count_queries, timeline):
    before = timeline[2].id
    client.get(f"/explore?before={before}")
    with count_queries() as statements:
        client.get(f"/explore?before={before}")
    post_queries = [s for s in statements if "FROM posts" in s]
    assert len(post_queries) == 1, statements  # the cursor's time is a subquery of the same statement
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 8
