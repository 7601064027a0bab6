"""People through the API: the tutorial's shapes, registering, editing your own, following."""

import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD


def test_a_profile_has_the_tutorials_shape_and_the_e_mail_only_for_its_owner(client, make_user, make_post, bearer):
    john, susan = make_user("john", about_me="hi"), make_user("susan")
    make_post(john)
    john.follow(susan)
    db.session.commit()
    theirs = client.get(f"/api/users/{john.id}", headers=bearer(susan)).json
    assert theirs == {
        "id": john.id, "username": "john", "about_me": "hi", "last_seen": john.last_seen.isoformat(),
        "post_count": 1, "follower_count": 0, "following_count": 1,
        "_links": {"self": f"/api/users/{john.id}", "followers": f"/api/users/{john.id}/followers",
                   "following": f"/api/users/{john.id}/following", "posts": f"/api/users/{john.id}/posts",
                   "avatar": f"/avatar/{john.id}?s=128"},
    }
    own = client.get(f"/api/users/{john.id}", headers=bearer(john)).json
    assert own == {**theirs, "email": "john@example.com"}
    assert client.get("/api/me", headers=bearer(john)).json == own


def test_an_unknown_person_is_a_404(client, make_user, bearer):
    headers = bearer(make_user("john"))
    for url in ["/api/users/999", "/api/users/99999999999999", "/api/users/999/followers", "/api/users/999/posts"]:
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.json["code"] == 404, url


def test_the_user_list_pages_by_number_with_meta_and_links(client, make_user, bearer):
    people = [make_user(f"user{n}") for n in range(5)]
    headers = bearer(people[0])
    page = client.get("/api/users?page=2&per_page=2", headers=headers).json
    assert [item["username"] for item in page["items"]] == ["user2", "user3"]
    assert page["_meta"] == {"page": 2, "per_page": 2, "total_pages": 3, "total_items": 5}
    assert page["_links"] == {"self": "/api/users?page=2&per_page=2", "next": "/api/users?page=3&per_page=2",
                              "prev": "/api/users?page=1&per_page=2"}
    assert all("email" not in item for item in page["items"][1:])
    assert client.get("/api/users?per_page=1000", headers=headers).json["_meta"]["per_page"] == 100
    assert client.get("/api/users?page=0", headers=headers).status_code == 400
    assert client.get("/api/users?page=abc", headers=headers).status_code == 400


def test_followers_and_following_use_the_counters(client, make_user, bearer):
    john, susan, mary = make_user("john"), make_user("susan"), make_user("mary")
    susan.follow(john)
    mary.follow(john)
    john.follow(mary)
    db.session.commit()
    headers = bearer(john)
    followers = client.get(f"/api/users/{john.id}/followers", headers=headers).json
    assert [item["username"] for item in followers["items"]] == ["mary", "susan"]
    assert followers["_meta"]["total_items"] == 2 and followers["_links"]["next"] is None
    following = client.get(f"/api/users/{john.id}/following", headers=headers).json
    assert [item["username"] for item in following["items"]] == ["mary"]


def test_registering_uses_the_register_rules_and_answers_201_with_location(client):
    response = client.post("/api/users", json={"username": "john", "email": "john@example.com", "password": PASSWORD})
    assert response.status_code == 201
    john = db.session.scalar(sa.select(User))
    assert response.headers["Location"] == f"/api/users/{john.id}"
    assert response.json["username"] == "john" and response.json["email"] == "john@example.com"
    assert "password" not in response.json and john.check_password(PASSWORD)


def test_registering_refuses_what_the_register_form_refuses(client, make_user):
    make_user("john")
    cases = [
        ({"username": "JOHN", "email": "other@example.com", "password": PASSWORD}, 409, "username"),
        ({"username": "other", "email": "John@Example.com", "password": PASSWORD}, 409, "email"),
        ({"username": "a b", "email": "ab@example.com", "password": PASSWORD}, 400, "username"),
        ({"username": "abc", "email": "not an address", "password": PASSWORD}, 400, "email"),
        ({"username": "abc", "email": "abc@example.com", "password": "short"}, 400, "password"),
        ({"username": "abc", "email": "abc@example.com", "password": "nul\x00 inside it"}, 400, "password"),
        ({"username": "abc", "email": "abc@example.com"}, 400, "password"),
        ({"username": 5, "email": "abc@example.com", "password": PASSWORD}, 400, "username"),
    ]
    for body, status, field in cases:
        response = client.post("/api/users", json=body)
        assert response.status_code == status, body
        assert field in response.json["errors"], body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_the_owner_edits_their_profile_and_leaves_out_what_stays(client, make_user, bearer):
    john = make_user("john", about_me="old words")
    response = client.put(f"/api/users/{john.id}", json={"username": "johnny", "language": "es"}, headers=bearer(john))
    assert response.status_code == 200 and response.json["username"] == "johnny"
    db.session.refresh(john)
    assert (john.username, john.about_me, john.locale) == ("johnny", "old words", "es")
    client.put(f"/api/users/{john.id}", json={"about_me": None, "language": None}, headers=bearer(john))
    db.session.refresh(john)
    assert (john.about_me, john.locale) == (None, None)


def test_nobody_edits_someone_elses_profile(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    response = client.put(f"/api/users/{john.id}", json={"username": "stolen"}, headers=bearer(susan))
    assert response.status_code == 403 and response.json["code"] == 403
    db.session.refresh(john)
    assert john.username == "john"


def test_a_taken_username_is_a_409_and_bad_values_a_400(client, make_user, bearer):
    john, _ = make_user("john"), make_user("susan")
    headers = bearer(john)
    response = client.put(f"/api/users/{john.id}", json={"username": "Susan"}, headers=headers)
    assert response.status_code == 409 and "username" in response.json["errors"]
    for body in [{"about_me": "x" * 141}, {"about_me": "bell\x07"}, {"language": "fr"}, {"username": ""}]:
        response = client.put(f"/api/users/{john.id}", json=body, headers=headers)
        assert response.status_code == 400, body
    db.session.refresh(john)
    assert john.username == "john"


def test_follow_and_unfollow(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    headers = bearer(john)
    assert client.post(f"/api/me/following/{susan.id}", headers=headers, csrf=False).status_code == 204
    assert john.is_following(susan)
    again = client.post(f"/api/me/following/{susan.id}", headers=headers, csrf=False)
    assert again.status_code == 409 and again.json["code"] == 409
    assert client.post(f"/api/me/following/{john.id}", headers=headers, csrf=False).status_code == 422
    assert client.post("/api/me/following/999", headers=headers, csrf=False).status_code == 404
    assert client.delete(f"/api/me/following/{susan.id}", headers=headers).status_code == 204
    assert not john.is_following(susan)
    assert client.delete(f"/api/me/following/{susan.id}", headers=headers).status_code == 409
    db.session.refresh(susan)
    assert susan.followers_count == 0
