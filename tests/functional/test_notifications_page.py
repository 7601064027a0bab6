"""The notifications page: what it lists, how it groups, its read state, paging and the navbar badge."""

import re

import pytest
import sqlalchemy as sa

from app import blocking
from app.extensions import db
from app.main.activity import group_activities
from app.models import FOLLOW, LIKE, MENTION, REPLY, REPOST, Activity, Notification, User


def lines(page: str) -> list[str]:
    """The text of each line, tags stripped and spaces squeezed, in page order."""
    items = re.findall(r'<li class="list-group-item activity-item.*?class="activity-text[^"]*">(.*?)</p>', page, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).split(" · ")[0].strip() for item in items]


def unread_lines(page: str) -> int:
    return len(re.findall(r'class="list-group-item activity-item[^"]*activity-unread', page))


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(User.unread_activity_count).where(User.id == user.id))


@pytest.fixture
def people(make_user):
    return {name: make_user(name) for name in ("susan", "mary", "david", "anna", "ben")}


def test_lines_are_grouped_and_newest_first(app, client, john, people, make_post):
    post = make_post(john, "my post")
    for name in ("susan", "mary", "david"):
        Activity.record(john.id, people[name].id, LIKE, post.id)
    people["ben"].follow(john)
    people["anna"].follow(john)
    db.session.commit()
    page = client.get("/notifications/all").get_data(as_text=True)
    assert lines(page) == ["anna and ben followed you", "david and 2 others liked your post"]
    assert "my post" in page


def test_each_kind_has_its_sentence(app, client, john, people, make_post):
    post = make_post(john, "my post")
    Activity.record(john.id, people["anna"].id, REPOST, post.id)
    Activity.record(john.id, people["susan"].id, REPLY, make_post(people["susan"], "hi there").id)
    Activity.record(john.id, people["mary"].id, MENTION, make_post(people["mary"], "hey @john").id)
    people["ben"].follow(john)
    Activity.record(john.id, people["david"].id, LIKE, post.id)
    db.session.commit()
    page = client.get("/notifications/all").get_data(as_text=True)
    assert lines(page) == [
        "david liked your post", "ben followed you", "mary mentioned you", "susan replied to your post",
        "anna reposted your post",
    ]
    assert "hey @john" in page and "hi there" in page


def test_the_page_marks_what_it_shows_read_and_highlights_it_once(client, john, people):
    people["susan"].follow(john)
    db.session.commit()
    assert unread_count(john) == 1
    home = client.get("/index").get_data(as_text=True)
    assert re.search(r'id="activity_count"[^>]*>1</span>', home)
    page = client.get("/notifications/all").get_data(as_text=True)
    assert unread_lines(page) == 1
    assert unread_count(john) == 0
    assert re.search(r'id="activity_count" class="[^"]*d-none', page)  # the badge is already down
    notification = db.session.scalar(sa.select(Notification).where(Notification.name == "unread_activity_count"))
    assert notification.get_data() == 0
    page = client.get("/notifications/all").get_data(as_text=True)
    assert unread_lines(page) == 0
    people["mary"].follow(john)
    db.session.commit()
    page = client.get("/notifications/all").get_data(as_text=True)
    assert lines(page) == ["mary and susan followed you"] and unread_lines(page) == 1


def test_reading_the_page_again_writes_nothing(client, john, people, count_queries):
    people["susan"].follow(john)
    db.session.commit()
    client.get("/notifications/all")
    with count_queries() as statements:
        assert client.get("/notifications/all").status_code == 200
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def test_keyset_pages(client, john, make_user, make_post):
    post = make_post(john, "p")
    actors = [make_user(f"p{n}") for n in range(8)]
    for n, actor in enumerate(actors):  # alternating kinds, so nothing groups across them
        Activity.record(john.id, actor.id, MENTION if n % 2 else LIKE, post.id if n % 2 == 0 else
                        make_post(actor, f"@john {n}").id)
    db.session.commit()
    page = client.get("/notifications/all").get_data(as_text=True)
    first = lines(page)
    older = re.search(r'class="page-link older-link" href="([^"#]+)"', page).group(1).replace("&amp;", "&")
    second = lines(client.get(older).get_data(as_text=True))
    # ACTIVITY_PER_PAGE is 5: p7 p6 p5 p4 p3 | p2 p1 p0; likes group within a page only.
    assert first == ["p7 mentioned you", "p6 and p4 liked your post", "p5 mentioned you", "p3 mentioned you"]
    assert second == ["p2 and p0 liked your post", "p1 mentioned you"]


@pytest.mark.parametrize("before", ["x", "-1", "0", "99999999999", "1.5"])
def test_a_bad_cursor_is_a_400(client, john, before):
    assert client.get("/notifications/all", query_string={"before": before}).status_code == 400


def test_the_page_needs_a_login_and_shows_only_your_own(client, auth, make_user):
    john, susan = make_user("john"), make_user("susan")
    make_user("mary")
    susan.follow(john)
    db.session.commit()
    response = client.get("/notifications/all")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login("mary")
    page = client.get("/notifications/all").get_data(as_text=True)
    assert lines(page) == [] and "Nothing yet" in page
    assert unread_count(john) == 1


def test_blocking_takes_the_lines_away(client, john, people):
    people["susan"].follow(john)
    db.session.commit()
    blocking.block(john, people["susan"])
    db.session.commit()
    assert lines(client.get("/notifications/all").get_data(as_text=True)) == []


def test_names_and_posts_are_escaped(client, john, make_user, make_post):
    evil = make_user("evil")
    post = make_post(john, "<script>alert(1)</script>")
    Activity.record(john.id, evil.id, LIKE, post.id)
    db.session.commit()
    page = client.get("/notifications/all").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_group_activities_unit(app, make_user):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    items = [
        Activity(id=5, user_id=john.id, actor=susan, kind=FOLLOW, post_id=None),
        Activity(id=4, user_id=john.id, actor=mary, kind=LIKE, post_id=1),
        Activity(id=3, user_id=john.id, actor=mary, kind=FOLLOW, post_id=None),
        Activity(id=2, user_id=john.id, actor=susan, kind=LIKE, post_id=1),
        Activity(id=1, user_id=john.id, actor=susan, kind=LIKE, post_id=2),
    ]
    groups = group_activities(items, read_mark=3)
    assert [(g.kind, g.post_id, g.newest_id, [a.username for a in g.actors], g.unread) for g in groups] == [
        (FOLLOW, None, 5, ["susan", "mary"], True),
        (LIKE, 1, 4, ["mary", "susan"], True),
        (LIKE, 2, 1, ["susan"], False),
    ]
