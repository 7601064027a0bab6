"""The post page, replies, editing, deleting, mentions and tag timelines, through the site's forms."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import MENTION, REPLY, Activity, Post, PostTranslation, User, post_tags, utcnow

TIME_LINK = re.compile(r'<a class="post-permalink" href="/post/(\d+)">')


def post_ids_on(page: str) -> list[int]:
    """The posts of a page in order, by the links their times carry."""
    return [int(id) for id in TIME_LINK.findall(page)]


def reload(post: Post) -> Post | None:
    db.session.expire_all()
    return db.session.get(Post, post.id)


def tags(post_id: int) -> set[str]:
    return set(db.session.scalars(sa.select(post_tags.c.tag).where(post_tags.c.post_id == post_id)))


def activities(kind: str) -> list[tuple[int, int, int | None]]:
    rows = db.session.execute(
        sa.select(Activity.user_id, Activity.actor_id, Activity.post_id).where(Activity.kind == kind)
        .order_by(Activity.id)
    )
    return [tuple(row) for row in rows]


@pytest.fixture
def thread(make_user, make_post):
    """susan's post, john's reply to it, susan's answer to john, and mary's second reply to the first."""
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    start = utcnow() - timedelta(minutes=5)
    root = make_post(susan, "what do you think of #Flask?", start)
    first = Post.publish(john, "I like it, @susan", in_reply_to=root.id)
    db.session.commit()
    answer = Post.publish(susan, "me too", in_reply_to=first.id)
    second = Post.publish(mary, "so do I", in_reply_to=root.id)
    db.session.commit()
    return {"john": john, "susan": susan, "mary": mary, "root": root, "first": first, "answer": answer,
            "second": second}


# -- the post page -------------------------------------------------------------------------------


def test_the_page_shows_the_conversation_above_the_post_and_its_replies_below(client, thread):
    page = client.get(f"/post/{thread['first'].id}").get_data(as_text=True)
    # root (above), the post, then its one reply
    assert post_ids_on(page) == [thread["root"].id, thread["first"].id, thread["answer"].id]
    assert "1 reply" in page
    assert f'Replying to <a href="/post/{thread["root"].id}">@susan</a>' in page


def test_replies_come_oldest_first_and_page_by_keyset(app, client, make_post, thread):
    root = thread["root"]
    extra = [Post.publish(thread["john"], f"reply {n}", in_reply_to=root.id) for n in range(3)]
    db.session.commit()
    replies = [thread["first"].id, thread["second"].id, *[post.id for post in extra]]
    page = client.get(f"/post/{root.id}").get_data(as_text=True)
    assert post_ids_on(page) == [root.id, *replies[:3]]  # POSTS_PER_PAGE is 3 in tests
    assert f'href="/post/{root.id}?after={replies[2]}"' in page
    page = client.get(f"/post/{root.id}?after={replies[2]}").get_data(as_text=True)
    assert post_ids_on(page) == [root.id, *replies[3:]]
    assert "More replies" not in page
    assert "5 replies" in page


@pytest.mark.parametrize("url", ["/post/999", "/post/0", "/post/99999999999", "/post/abc"])
def test_a_missing_post_is_a_404(client, thread, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("after", ["-1", "x", "99999999999", "1.5"])
def test_a_bad_cursor_is_a_400(client, thread, after):
    response = client.get(f"/post/{thread['root'].id}?after={after}")
    assert response.status_code == 400


def test_visitors_read_the_page_and_are_asked_to_sign_in_to_reply(client, thread):
    page = client.get(f"/post/{thread['root'].id}").get_data(as_text=True)
    assert "Sign in to reply to susan." in page and 'name="post"' not in page
    assert "Delete" not in page


def test_every_post_in_a_feed_links_to_its_page_by_its_time(client, auth, thread):
    auth.login("john")
    for url in ["/explore", "/user/susan", "/index", "/", "/tag/flask"]:
        page = client.get(url).get_data(as_text=True)
        assert post_ids_on(page), url
    explore = client.get("/explore").get_data(as_text=True)
    assert set(post_ids_on(explore)) >= {thread["answer"].id, thread["second"].id}
    # replies say whom they answer, linking to the post answered
    assert f'Replying to <a href="/post/{thread["first"].id}">@john</a>' in explore


# -- replying ------------------------------------------------------------------------------------


def test_replying_publishes_counts_and_tells_the_author(client, auth, thread):
    auth.login("mary")
    first = thread["first"]
    response = client.post(f"/post/{first.id}/reply", data={"post": "  good point  "})
    reply = db.session.scalar(sa.select(Post).order_by(Post.id.desc()))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/post/{first.id}#post{reply.id}"
    assert (reply.body, reply.in_reply_to_id, reply.is_reply) == ("good point", first.id, True)
    assert reload(first).reply_count == 2
    assert (thread["john"].id, thread["mary"].id, reply.id) in activities(REPLY)
    page = client.get(f"/post/{first.id}").get_data(as_text=True)
    assert post_ids_on(page)[-1] == reply.id and "Your reply is now live!" in page


def test_replying_to_a_missing_post_is_a_400_and_stores_nothing(client, auth, thread):
    auth.login("mary")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
    for post_id in (999, 2**31 + 5):
        response = client.post(f"/post/{post_id}/reply", data={"post": "hello?"})
        assert response.status_code == 400
    assert "does not exist" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == count


@pytest.mark.parametrize("body", ["", "   ", "x" * 141, "nul \x00 inside", "bell \x07"])
def test_a_bad_reply_is_refused_on_the_page(client, auth, thread, body):
    auth.login("mary")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
    response = client.post(f"/post/{thread['root'].id}/reply", data={"post": body})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == count
    assert reload(thread["root"]).reply_count == 2


def test_a_reply_without_a_csrf_token_is_refused(client, auth, thread):
    auth.login("mary")
    response = client.post(f"/post/{thread['root'].id}/reply", data={"post": "hi"}, csrf=False)
    assert response.status_code == 400
    assert reload(thread["root"]).reply_count == 2


# -- deleting ------------------------------------------------------------------------------------


def test_deleting_asks_first_then_deletes_and_uncounts(client, auth, thread):
    auth.login("john")
    first = thread["first"]
    confirm = client.get(f"/post/{first.id}/delete")
    assert confirm.status_code == 200
    assert "Delete this post?" in confirm.get_data(as_text=True)
    assert reload(first) is not None  # a GET changes nothing
    response = client.post(f"/post/{first.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == f"/post/{thread['root'].id}"
    assert reload(first) is None
    assert db.session.get(User, thread["john"].id).posts_count == 0
    assert db.session.get(Post, thread["root"].id).reply_count == 1
    # the answer to it stays, answering a deleted post
    answer = db.session.get(Post, thread["answer"].id)
    assert (answer.in_reply_to_id, answer.is_reply) == (None, True)
    page = client.get(f"/post/{answer.id}").get_data(as_text=True)
    assert "This conversation starts with a deleted post." in page
    assert "Replying to a deleted post" in page
    assert activities(MENTION) == []  # the mention went with the post


def test_deleting_twice_is_a_404_the_second_time(client, auth, thread):
    auth.login("mary")
    assert client.post(f"/post/{thread['second'].id}/delete").status_code == 302
    assert client.post(f"/post/{thread['second'].id}/delete").status_code == 404
    assert db.session.get(User, thread["mary"].id).posts_count == 0


def test_nobody_deletes_another_persons_post(client, auth, thread):
    auth.login("mary")
    for method in ("GET", "POST"):
        response = client.open(f"/post/{thread['root'].id}/delete", method=method,
                               data={"csrf_token": client.csrf_token()} if method == "POST" else None)
        assert response.status_code == 403
        assert "You can delete only your own posts." in response.get_data(as_text=True)
    assert reload(thread["root"]) is not None


def test_a_deleted_post_leaves_search_and_its_tag(client, auth, thread):
    auth.login("susan")
    root = thread["root"]
    assert [post.id for post in Post.search("think").items] == [root.id]
    assert client.post(f"/post/{root.id}/delete").status_code == 302
    db.session.expire_all()
    assert Post.search("think").items == []
    assert tags(root.id) == set()
    assert post_ids_on(client.get("/tag/flask").get_data(as_text=True)) == []


# -- editing -------------------------------------------------------------------------------------


def test_editing_changes_the_text_language_tags_and_search_and_shows_edited(client, auth, make_user, thread):
    auth.login("susan")
    root = thread["root"]
    PostTranslation.store(root.id, "es", "¿qué opináis de Flask?", "microsoft")
    db.session.commit()
    form = client.get(f"/post/{root.id}/edit").get_data(as_text=True)
    assert "what do you think of #Flask?" in form
    body = "Hola a todos, ¿cómo estáis hoy? Me voy a la playa. #Python"
    response = client.post(f"/post/{root.id}/edit", data={"post": body})
    assert response.status_code == 302 and response.headers["Location"] == f"/post/{root.id}"
    root = reload(root)
    assert (root.body, root.language) == (body, "es")
    assert root.edited_at is not None
    assert tags(root.id) == {"python"}
    assert PostTranslation.find(root.id, "es") is None  # the translation of the old text is gone
    assert [post.id for post in Post.search("playa").items] == [root.id]
    assert Post.search("think").items == []
    page = client.get(f"/post/{root.id}").get_data(as_text=True)
    assert "edited" in page and "Your post has been updated." in page


def test_an_edit_that_changes_nothing_is_not_marked(client, auth, thread):
    auth.login("susan")
    client.post(f"/post/{thread['root'].id}/edit", data={"post": "what do you think of #Flask?"})
    assert reload(thread["root"]).edited_at is None


def test_editing_moves_mentions(client, auth, thread):
    auth.login("john")
    first = thread["first"]
    assert (thread["susan"].id, thread["john"].id, first.id) in activities(MENTION)
    client.post(f"/post/{first.id}/edit", data={"post": "I like it, @mary and @john"})
    mentions = activities(MENTION)
    assert (thread["susan"].id, thread["john"].id, first.id) not in mentions
    assert (thread["mary"].id, thread["john"].id, first.id) in mentions
    assert not any(user_id == thread["john"].id for user_id, _, _ in mentions)  # never yourself


def test_editing_late_is_a_403_with_a_clear_message(app, client, auth, thread):
    auth.login("susan")
    root = thread["root"]
    root.timestamp = utcnow() - timedelta(minutes=16)
    db.session.commit()
    for method in ("GET", "POST"):
        data = {"post": "too late", "csrf_token": client.csrf_token()} if method == "POST" else None
        response = client.open(f"/post/{root.id}/edit", method=method, data=data)
        assert response.status_code == 403
        assert "within 15 minutes" in response.get_data(as_text=True)
    assert reload(root).body == "what do you think of #Flask?"
    page = client.get(f"/post/{root.id}").get_data(as_text=True)
    assert f"/post/{root.id}/edit" not in page and f"/post/{root.id}/delete" in page


def test_the_edit_window_is_a_setting(app, client, auth, thread):
    app.config["POST_EDIT_WINDOW"] = 60
    auth.login("susan")  # the post is 5 minutes old
    assert client.get(f"/post/{thread['root'].id}/edit").status_code == 403


def test_nobody_edits_another_persons_post(client, auth, thread):
    auth.login("mary")
    response = client.post(f"/post/{thread['root'].id}/edit", data={"post": "mine now"})
    assert response.status_code == 403
    assert "You can edit only your own posts." in response.get_data(as_text=True)
    assert reload(thread["root"]).body == "what do you think of #Flask?"


@pytest.mark.parametrize("body", ["", "x" * 141, "nul \x00 inside"])
def test_a_bad_edit_is_refused(client, auth, thread, body):
    auth.login("susan")
    response = client.post(f"/post/{thread['root'].id}/edit", data={"post": body})
    assert response.status_code in (200, 400)
    assert reload(thread["root"]).body == "what do you think of #Flask?"


# -- mentions ------------------------------------------------------------------------------------


def test_mentions_tell_each_person_once_and_never_the_author(client, auth, make_user, thread):
    auth.login("mary")
    client.post("/index", data={"post": "@john @JOHN @mary @nobody hello"})
    post = db.session.scalar(sa.select(Post).order_by(Post.id.desc()))
    mentions = [row for row in activities(MENTION) if row[2] == post.id]
    assert mentions == [(thread["john"].id, thread["mary"].id, post.id)]
    assert db.session.get(User, thread["john"].id).unread_activity_count >= 1
    page = client.get(f"/post/{post.id}").get_data(as_text=True)
    assert '<a href="/user/john" class="mention">@john</a>' in page and "@nobody" in page
    assert '<a href="/user/nobody"' not in page


# -- tag timelines -------------------------------------------------------------------------------


def test_a_tag_timeline_is_newest_first_whatever_the_case_and_pages_by_keyset(client, make_user, make_post):
    susan = make_user("susan")
    start = utcnow()
    posts = [make_post(susan, f"post {n} #{'Flask' if n % 2 else 'flask'}", start + timedelta(seconds=n))
             for n in range(4)]
    make_post(susan, "#django is another", start)
    newest_first = [post.id for post in reversed(posts)]
    page = client.get("/tag/FLASK").get_data(as_text=True)
    assert post_ids_on(page) == newest_first[:3]
    assert f'href="/tag/flask?before={newest_first[2]}"' in page
    page = client.get(f"/tag/flask?before={newest_first[2]}").get_data(as_text=True)
    assert post_ids_on(page) == newest_first[3:]
    assert "Older posts" not in page


@pytest.mark.parametrize("url", ["/tag/2024", "/tag/a-b", "/tag/" + "x" * 65, "/tag/%3Cscript%3E", "/tag/%20"])
def test_a_bad_tag_is_a_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("before", ["x", "-3", "99999999999"])
def test_a_bad_tag_cursor_is_a_400(client, before):
    assert client.get(f"/tag/flask?before={before}").status_code == 400


def test_an_unknown_tag_is_an_empty_timeline(client):
    response = client.get("/tag/nothing_here")
    assert response.status_code == 200
    assert "No posts with this tag yet" in response.get_data(as_text=True)
