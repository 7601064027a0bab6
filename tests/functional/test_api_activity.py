"""GET /api/activity and POST /api/activity/read."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import LIKE, MENTION, Activity, User


def test_activity_newest_first_with_unread_state_and_links(client, make_user, make_post, bearer):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    post = make_post(john, "mine")
    susan.follow(john)
    Activity.record(john.id, mary.id, LIKE, post.id)
    db.session.commit()
    Activity.mark_read(john.id, db.session.scalar(sa.select(sa.func.min(Activity.id))))
    db.session.commit()
    answer = client.get("/api/activity", headers=bearer(john)).get_json()
    assert [(item["kind"], item["actor"]["username"], item["post_id"], item["unread"]) for item in answer["items"]] \
        == [("like", "mary", post.id, True), ("follow", "susan", None, False)]
    assert answer["items"][0]["_links"] == {"actor": f"/api/users/{mary.id}", "post": f"/api/posts/{post.id}"}
    assert answer["items"][1]["_links"]["post"] is None


def test_activity_pages_by_cursor(client, make_user, make_post, bearer):
    john = make_user("john")
    post = make_post(john, "mine")
    for n in range(5):
        Activity.record(john.id, make_user(f"p{n}").id, MENTION, post.id)
    db.session.commit()
    headers, seen, url = bearer(john), [], "/api/activity?limit=2"
    while url:
        answer = client.get(url, headers=headers).get_json()
        seen += [item["actor"]["username"] for item in answer["items"]]
        url = answer["_links"]["next"]
    assert seen == ["p4", "p3", "p2", "p1", "p0"]


def test_marking_read_moves_the_mark_forward_only(client, make_user, bearer):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    susan.follow(john)
    mary.follow(john)
    db.session.commit()
    first, second = db.session.scalars(sa.select(Activity.id).order_by(Activity.id)).all()
    headers = bearer(john)
    response = client.post("/api/activity/read", json={"up_to": first}, headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"unread_activity_count": 1, "read_up_to": first}
    assert client.post("/api/activity/read", json={"up_to": 0}, headers=headers).get_json() == \
        {"unread_activity_count": 1, "read_up_to": first}
    assert client.post("/api/activity/read", json={"up_to": second}, headers=headers).get_json() == \
        {"unread_activity_count": 0, "read_up_to": second}
    assert db.session.scalar(sa.select(User.unread_activity_count).where(User.id == john.id)) == 0


@pytest.mark.parametrize("body", [{}, {"up_to": -1}, {"up_to": "1"}, {"up_to": 2**31}, {"up_to": None}, {"up_to": 1.5},
                                  {"up_to": True}])
def test_marking_read_refuses_bad_input(client, make_user, bearer, body):
    john = make_user("john")
    response = client.post("/api/activity/read", json=body, headers=bearer(john))
    assert response.status_code == 400
    assert "up_to" in response.get_json()["errors"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "before=x", "after=-1"])
def test_activity_refuses_bad_cursors(client, make_user, bearer, query):
    assert client.get(f"/api/activity?{query}", headers=bearer(make_user("john"))).status_code == 400
