"""Follower and following lists: order, keyset pages, buttons, links from the counts."""

import re
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import User, follows, utcnow


def names(page: str) -> list[str]:
    return re.findall(r'class="[^"]*person-name"[^>]*>([^<]+)</a>', page)


def older_link(page: str) -> str | None:
    match = re.search(r'class="page-link older-link" href="([^"#]+)"', page)
    return match.group(1).replace("&amp;", "&") if match else None


def follow_at(follower: User, followed: User, minutes_ago: int) -> None:
    follower.follow(followed)
    db.session.execute(
        sa.update(follows)
        .where(follows.c.follower_id == follower.id, follows.c.followed_id == followed.id)
        .values(created_at=utcnow() - timedelta(minutes=minutes_ago))
    )
    db.session.commit()


def test_followers_newest_first_by_keyset_with_ties(client, john, make_user):
    people = [make_user(f"fan{n}") for n in range(7)]
    moment = utcnow() - timedelta(hours=1)
    for n, person in enumerate(people):
        person.follow(john)
        # fan2..fan4 followed at the very same moment: the id breaks the tie.
        at = moment if 2 <= n <= 4 else moment + timedelta(minutes=n - 3)
        db.session.execute(
            sa.update(follows).where(follows.c.follower_id == person.id).values(created_at=at)
        )
    db.session.commit()
    seen, url = [], "/user/john/followers"
    while url:
        page = client.get(url).get_data(as_text=True)
        assert len(names(page)) <= 3
        seen += names(page)
        url = older_link(page)
    assert seen == ["fan6", "fan5", "fan4", "fan3", "fan2", "fan1", "fan0"]


def test_following_list_and_its_buttons(client, john, make_user):
    susan, mary = make_user("susan"), make_user("mary")
    follow_at(susan, mary, 2)
    follow_at(susan, john, 1)
    follow_at(john, mary, 1)
    page = client.get("/user/susan/following").get_data(as_text=True)
    assert names(page) == ["john", "mary"]
    assert "2</strong> following" in page and "0</strong> followers" in page
    # john follows mary already: Unfollow for her, none for himself.
    row = re.search(rf'id="person-{mary.id}".*?</li>', page, re.S).group(0)
    assert "/unfollow/mary" in row
    row = re.search(rf'id="person-{john.id}".*?</li>', page, re.S).group(0)
    assert "/follow/john" not in row and "/unfollow/john" not in row
    # A button comes back to the list.
    response = client.post("/unfollow/mary", data={"next": "/user/susan/following"})
    assert response.headers["Location"] == "/user/susan/following"


def test_empty_lists_say_so(client, john):
    assert "No followers yet" in client.get("/user/john/followers").get_data(as_text=True)
    assert "Not following anyone yet" in client.get("/user/john/following").get_data(as_text=True)


def test_lists_need_a_login_and_a_real_person(client, make_user, auth):
    make_user("john")
    response = client.get("/user/john/followers")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login()
    assert client.get("/user/nobody/followers").status_code == 404
    assert client.get("/user/john/following?before=garbage").status_code == 400


def test_counts_on_profiles_and_popups_link_to_the_lists(client, john, make_user):
    make_user("susan")
    for url in ("/user/susan", "/user/susan/popup"):
        page = client.get(url).get_data(as_text=True)
        assert 'href="/user/susan/followers"' in page and 'href="/user/susan/following"' in page


def test_list_query_count_does_not_grow_with_the_page(client, john, make_user, count_queries):
    for n in range(3):
        make_user(f"fan{n}").follow(john)
    db.session.commit()
    with count_queries() as statements:
        assert client.get("/user/john/followers").status_code == 200
    # The signed-in person, the profile's owner, the page of people, whom of them you follow.
    assert len(statements) == 4
