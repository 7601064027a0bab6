"""Blocking and muting: the rules between two people, the feeds they hide, the buttons and the settings lists."""

import re

import pytest
import sqlalchemy as sa

from app import blocking
from app.extensions import db
from app.models import (
    MENTION,
    Activity,
    Block,
    Blocked,
    Message,
    MessageBlocked,
    Mute,
    Post,
    ReplyBlocked,
    User,
    blocked_between,
    follows,
    hidden_authors_select,
)


def counts(user: User) -> tuple[int, int]:
    db.session.expire(user)
    return user.followers_count, user.following_count


def follow_pairs() -> set[tuple[int, int]]:
    return set(db.session.execute(sa.select(follows.c.follower_id, follows.c.followed_id)).all())


@pytest.fixture
def susan(make_user):
    return make_user("susan")


# -- the interface ---------------------------------------------------------------------------------


def test_blocked_between_works_both_ways_and_only_for_blocks(app, make_user):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    blocking.block(john, susan)
    blocking.mute(john, mary)
    db.session.commit()
    assert blocked_between(john.id, susan.id) and blocked_between(susan.id, john.id)
    assert not blocked_between(john.id, mary.id)
    assert not blocked_between(susan.id, mary.id)


def test_hidden_authors_are_the_blocked_the_blockers_and_the_muted(app, make_user):
    john, susan, mary, david, anna = (make_user(name) for name in ("john", "susan", "mary", "david", "anna"))
    blocking.block(john, susan)  # john blocked susan
    blocking.block(mary, john)  # mary blocked john
    blocking.mute(john, david)  # john muted david
    blocking.mute(anna, john)  # anna muted john: changes nothing for john
    db.session.commit()
    assert set(db.session.scalars(hidden_authors_select(john.id))) == {susan.id, mary.id, david.id}
    assert set(db.session.scalars(hidden_authors_select(susan.id))) == {john.id}
    assert set(db.session.scalars(hidden_authors_select(anna.id))) == {john.id}
    assert set(db.session.scalars(hidden_authors_select(david.id))) == set()


def test_block_is_idempotent_and_refuses_oneself(app, make_user):
    john, susan = make_user("john"), make_user("susan")
    assert blocking.block(john, susan) is True
    assert blocking.block(john, susan) is False
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Block)) == 1
    with pytest.raises(blocking.CannotBlockYourself):
        blocking.block(john, john)
    with pytest.raises(blocking.CannotBlockYourself):
        blocking.mute(john, john)
    assert blocking.unblock(john, susan) is True
    assert blocking.unblock(john, susan) is False


# -- follows ----------------------------------------------------------------------------------------


def test_blocking_ends_follows_both_ways_and_keeps_the_counters_right(app, make_user):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    john.follow(susan)
    susan.follow(john)
    mary.follow(john)
    db.session.commit()
    blocking.block(john, susan)
    db.session.commit()
    assert follow_pairs() == {(mary.id, john.id)}
    assert counts(john) == (1, 0)
    assert counts(susan) == (0, 0)
    # The follow notifications between them are gone, and the unread counts recounted.
    assert db.session.scalars(sa.select(Activity.user_id)).all() == [john.id]
    assert db.session.scalar(sa.select(User.unread_activity_count).where(User.id == john.id)) == 1
    assert db.session.scalar(sa.select(User.unread_activity_count).where(User.id == susan.id)) == 0


def test_a_blocked_person_cannot_follow_either_way(app, make_user):
    john, susan = make_user("john"), make_user("susan")
    blocking.block(john, susan)
    db.session.commit()
    for follower, followed in ((susan, john), (john, susan)):
        with pytest.raises(Blocked):
            follower.follow(followed)
        db.session.rollback()
    assert follow_pairs() == set()
    assert counts(john) == (0, 0) and counts(susan) == (0, 0)


def test_follow_page_and_api_refuse_across_a_block(client, john, susan, bearer):
    blocking.block(susan, john)
    db.session.commit()
    response = client.post("/follow/susan", follow_redirects=True)
    assert response.status_code == 200
    assert "You cannot follow susan: one of you has blocked the other." in response.get_data(as_text=True)
    response = client.post(f"/api/me/following/{susan.id}", headers=bearer(john), csrf=False)
    assert response.status_code == 422
    assert "blocked" in response.get_json()["description"]
    assert follow_pairs() == set()


# -- messages ---------------------------------------------------------------------------------------


def test_a_blocked_person_cannot_message(app, make_user):
    john, susan = make_user("john"), make_user("susan")
    Message.send(john, susan, "before")
    db.session.commit()
    blocking.block(susan, john)
    db.session.commit()
    for sender, recipient in ((john, susan), (susan, john)):
        with pytest.raises(MessageBlocked):
            Message.send(sender, recipient, "after")
        db.session.rollback()
    assert db.session.scalars(sa.select(Message.body)).all() == ["before"]


def test_message_pages_say_why_across_a_block(client, john, susan, bearer):
    Message.send(susan, john, "hi john")
    db.session.commit()
    blocking.block(john, susan)
    db.session.commit()
    explanation = "You cannot message susan: one of you has blocked the other."
    # The conversation stays readable, with the reason where the composer was.
    page = client.get("/messages/susan").get_data(as_text=True)
    assert "hi john" in page and explanation in page and 'name="message"' not in page
    response = client.post("/messages/susan", data={"message": "still there?"}, follow_redirects=True)
    assert explanation in response.get_data(as_text=True)
    response = client.post("/messages/susan", data={"message": "still there?"}, headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.get_json()["errors"] == {"message": [explanation]}
    response = client.get("/send_message/susan", follow_redirects=True)
    assert explanation in response.get_data(as_text=True)
    response = client.post("/send_message/susan", data={"message": "hello"}, follow_redirects=True)
    assert explanation in response.get_data(as_text=True)
    response = client.post(f"/api/conversations/{susan.id}/messages", json={"body": "hi"}, headers=bearer(john))
    assert response.status_code == 422
    assert response.get_json()["description"] == "The message was refused: one of you has blocked the other."
    assert db.session.scalars(sa.select(Message.body)).all() == ["hi john"]


# -- activity ---------------------------------------------------------------------------------------


def test_no_activity_is_recorded_across_a_block(app, make_user, make_post):
    john, susan = make_user("john"), make_user("susan")
    post = make_post(susan, "hello @john")
    blocking.block(john, susan)
    db.session.commit()
    assert Activity.record(john.id, susan.id, MENTION, post.id) is False
    assert Activity.record(susan.id, john.id, MENTION, post.id) is False
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 0
    blocking.unblock(john, susan)
    assert Activity.record(john.id, susan.id, MENTION, post.id) is True


def test_blocking_removes_the_activity_between_the_two_only(app, make_user, make_post):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    post = make_post(john, "hi")
    Activity.record(john.id, susan.id, MENTION, post.id)
    Activity.record(john.id, mary.id, MENTION, post.id)
    db.session.commit()
    blocking.block(john, susan)
    db.session.commit()
    assert db.session.scalars(sa.select(Activity.actor_id)).all() == [mary.id]
    assert db.session.scalar(sa.select(User.unread_activity_count).where(User.id == john.id)) == 1


# -- feeds ------------------------------------------------------------------------------------------


def test_explore_hides_blocked_both_ways_and_muted_only_for_the_muter(client, auth, make_user, make_post):
    john, susan, mary, david = (make_user(name) for name in ("john", "susan", "mary", "david"))
    for author in (john, susan, mary, david):
        make_post(author, f"post by {author.username}")
    blocking.block(john, susan)
    blocking.mute(john, mary)
    db.session.commit()

    # POSTS_PER_PAGE is 3 in tests: four posts, so read two pages.
    def all_authors() -> set[str]:
        first = client.get("/explore").get_data(as_text=True)
        second = client.get("/explore?page=2").get_data(as_text=True)
        return set(re.findall(r"post by (\w+)", first + second))

    auth.login("john")
    assert all_authors() == {"john", "david"}
    auth.logout()
    auth.login("susan")
    assert all_authors() == {"susan", "mary", "david"}
    auth.logout()
    auth.login("mary")  # muted by john: sees john
    assert all_authors() == {"john", "susan", "mary", "david"}
    auth.logout()
    assert all_authors() == {"john", "susan", "mary", "david"}  # visitors see everything


def test_profile_hides_posts_across_a_block_and_shows_them_when_muted(client, auth, make_user, make_post):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    make_post(susan, "post by susan")
    make_post(mary, "post by mary")
    blocking.block(john, susan)
    blocking.mute(john, mary)
    db.session.commit()
    auth.login("john")
    page = client.get("/user/susan").get_data(as_text=True)
    assert "post by susan" not in page and "You blocked susan" in page
    assert "Unblock susan" in page and "Send private message" not in page
    page = client.get("/user/mary").get_data(as_text=True)
    assert "post by mary" in page and "Unmute mary" in page and "You muted mary" in page
    auth.logout()
    auth.login("susan")
    page = client.get("/user/john").get_data(as_text=True)
    assert "john has blocked you." in page and "Send private message" not in page


def test_api_explore_and_profile_posts_follow_the_blocks(client, make_user, make_post, bearer):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    make_post(susan, "by susan")
    make_post(mary, "by mary")
    blocking.block(susan, john)
    blocking.mute(john, mary)
    db.session.commit()
    headers = bearer(john)
    bodies = [item["body"] for item in client.get("/api/posts", headers=headers).get_json()["items"]]
    assert bodies == []
    assert client.get(f"/api/users/{susan.id}/posts", headers=headers).get_json()["items"] == []
    assert [item["body"] for item in client.get(f"/api/users/{mary.id}/posts", headers=headers).get_json()["items"]] \
        == ["by mary"]


# -- buttons and the settings lists --------------------------------------------------------------


def test_block_mute_buttons(client, john, susan):
    response = client.post("/block/susan", follow_redirects=True)
    assert "You blocked susan." in response.get_data(as_text=True)
    assert blocked_between(john.id, susan.id)
    client.post("/block/susan")  # twice changes nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Block)) == 1
    response = client.post("/unblock/susan", follow_redirects=True)
    assert "You unblocked susan." in response.get_data(as_text=True)
    assert not blocked_between(john.id, susan.id)
    client.post("/mute/susan")
    assert db.session.get(Mute, (john.id, susan.id)) is not None
    client.post("/unmute/susan")
    assert db.session.get(Mute, (john.id, susan.id)) is None


@pytest.mark.parametrize("action", ["block", "unblock", "mute", "unmute"])
def test_block_mute_refusals(client, john, susan, action):
    assert client.post(f"/{action}/susan", csrf=False).status_code == 400
    assert client.post(f"/{action}/nobody").status_code == 404
    assert client.post(f"/{action}/john").status_code == 400
    assert client.get(f"/{action}/susan").status_code == 405
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Block)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mute)) == 0


def test_block_button_goes_back_to_a_safe_next_only(client, john, susan):
    response = client.post("/block/susan", data={"next": "/settings/blocked"})
    assert response.headers["Location"] == "/settings/blocked"
    response = client.post("/unblock/susan", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/user/susan"


def test_settings_lists_the_blocked_and_muted_newest_first_by_keyset(client, john, make_user):
    people = [make_user(f"person{n}") for n in range(5)]
    for person in people:
        blocking.block(john, person)
        db.session.commit()
    blocking.mute(john, people[0])
    db.session.commit()
    page = client.get("/settings/blocked").get_data(as_text=True)
    names = re.findall(r'class="[^"]*person-name"[^>]*>([^<]+)</a>', page)
    assert names == ["person4", "person3", "person2"]  # PEOPLE_PER_PAGE is 3
    older = re.search(r'class="page-link older-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    page = client.get(older).get_data(as_text=True)
    assert re.findall(r'class="[^"]*person-name"[^>]*>([^<]+)</a>', page) == ["person1", "person0"]
    assert "Unblock" in page
    page = client.get("/settings/muted").get_data(as_text=True)
    assert re.findall(r'class="[^"]*person-name"[^>]*>([^<]+)</a>', page) == ["person0"]
    assert "Unmute" in page


@pytest.mark.parametrize("cursor", ["x", "1.2.3", "-1.5", "1.99999999999", "١.٢", "1." + "9" * 20, "\x00"])
def test_people_lists_refuse_a_bad_cursor(client, john, cursor):
    response = client.get("/settings/blocked", query_string={"before": cursor})
    assert response.status_code == 400


def test_no_replies_across_a_block(client, john, susan, make_post, bearer):
    post = make_post(susan, "hello all")
    blocking.block(susan, john)
    db.session.commit()
    with pytest.raises(ReplyBlocked):
        Post.publish(john, "hi", in_reply_to=post.id)
    db.session.rollback()
    response = client.post(f"/post/{post.id}/reply", data={"post": "hi susan"})
    assert response.status_code == 400
    assert "one of you has blocked the other" in response.get_data(as_text=True)
    response = client.post("/api/posts", json={"body": "hi", "in_reply_to": post.id}, headers=bearer(john))
    assert response.status_code == 400
    assert "one of you has blocked the other" in response.get_json()["errors"]["in_reply_to"][0]
    assert db.session.scalar(sa.select(Post.reply_count).where(Post.id == post.id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1
