"""The API's authorization matrix: every endpoint as the owner (john), another person (mary) and
nobody. Only john sees john's private data, and nobody else changes anything of his."""

import base64
import io

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.extensions import db
from app.jobs import get_queue
from app.models import ChatRoom, Message, Post, Task, Token, User, follows
from tests.conftest import PASSWORD

SECRET = "a secret for john"
PICTURE = io.BytesIO()
Image.new("RGB", (40, 30), "teal").save(PICTURE, "PNG")
PICTURE = PICTURE.getvalue()
JOHNS_EMAIL = "john@example.com"

# (method, url, json body, john's status, mary's status, what only john may see)
MATRIX = [
    ("GET", "/api/me", None, 200, 200, JOHNS_EMAIL),
    ("GET", "/api/users", None, 200, 200, JOHNS_EMAIL),
    ("GET", "/api/users/{john}", None, 200, 200, JOHNS_EMAIL),
    ("PUT", "/api/users/{john}", {"about_me": "changed"}, 200, 403, JOHNS_EMAIL),
    ("PUT", "/api/users/{john}/avatar", "picture", 202, 403, None),
    ("DELETE", "/api/users/{john}/avatar", None, 204, 403, None),
    ("GET", "/api/users/{john}/followers", None, 200, 200, None),
    ("GET", "/api/users/{john}/following", None, 200, 200, None),
    ("GET", "/api/users/{john}/posts", None, 200, 200, None),
    ("POST", "/api/posts", {"body": "my own post"}, 201, 201, None),
    ("GET", "/api/posts", None, 200, 200, None),
    ("GET", "/api/posts/{post}", None, 200, 200, None),
    ("PUT", "/api/posts/{post}", {"body": "edited #flask"}, 200, 403, None),
    ("DELETE", "/api/posts/{post}", None, 204, 403, None),
    ("GET", "/api/posts/{post}/replies", None, 200, 200, None),
    ("GET", "/api/tags/{tag}/posts", None, 200, 200, None),
    ("PUT", "/api/posts/{post}/like", None, 200, 200, None),
    ("DELETE", "/api/posts/{post}/like", None, 200, 200, None),
    ("PUT", "/api/posts/{post}/repost", None, 200, 200, None),
    ("DELETE", "/api/posts/{post}/repost", None, 200, 200, None),
    ("GET", "/api/posts/{post}/likes", None, 200, 200, None),
    ("GET", "/api/timeline", None, 200, 200, None),
    ("POST", "/api/me/following/{mary}", None, 204, 422, None),
    ("DELETE", "/api/me/following/{susan}", None, 204, 409, None),
    ("GET", "/api/conversations", None, 200, 200, SECRET),
    ("GET", "/api/conversations/{susan}/messages", None, 200, 404, SECRET),
    ("POST", "/api/conversations/{susan}/messages", {"body": "hello susan"}, 201, 201, None),
    ("POST", "/api/conversations/{susan}/read", None, 204, 404, None),
    ("GET", "/api/notifications", None, 200, 200, None),
    ("GET", "/api/activity", None, 200, 200, "susan"),
    ("POST", "/api/activity/read", {"up_to": 2147483647}, 200, 200, None),
    ("GET", "/api/rooms", None, 200, 200, None),
    ("POST", "/api/rooms", {"name": "new-room"}, 201, 201, None),
    ("GET", "/api/rooms/{room}", None, 200, 200, None),
    ("GET", "/api/rooms/{room}/messages", None, 200, 200, None),
    ("POST", "/api/rooms/{room}/messages", {"body": "hello room"}, 201, 201, None),
    ("GET", "/api/search?q=secret", None, 200, 200, None),
    ("POST", "/api/tasks", {"name": "export_posts"}, 202, 202, None),
    ("GET", "/api/tasks/{task}", None, 200, 404, "johns export"),
    ("DELETE", "/api/tokens", None, 204, 204, None),
    ("POST", "/api/tokens", None, 200, 200, None),  # with each person's own username and password
]


@pytest.fixture
def people(make_user, bearer):
    john, susan, mary = make_user("john", email=JOHNS_EMAIL), make_user("susan"), make_user("mary")
    john.avatar_version = "0123456789abcdef"  # a picture for nobody else to remove
    john.follow(susan)
    susan.follow(john)  # an activity item only john may read
    Message.send(susan, john, SECRET)
    post = Post.publish(john, "john's post #flask")
    task = Task(id=Task.new_id(), name="export_posts", description="johns export", user_id=john.id, complete=True)
    db.session.add(task)
    room = ChatRoom.create("general", susan)
    db.session.commit()
    ids = {"john": john.id, "susan": susan.id, "mary": mary.id, "post": post.id, "task": task.id, "tag": "flask",
           "room": room.name}
    return ids, {"john": bearer(john, "laptop"), "mary": bearer(mary, "laptop")}


def johns_state() -> tuple:
    john = db.session.scalar(sa.select(User).where(User.email == JOHNS_EMAIL))
    return (
        john.username, john.about_me, john.password_hash,
        sorted(db.session.scalars(sa.select(Message.body).where(
            sa.or_(Message.sender_id == john.id, Message.recipient_id == john.id)))),
        sorted(db.session.scalars(sa.select(Post.body).where(Post.user_id == john.id))),
        sorted(db.session.scalars(sa.select(follows.c.followed_id).where(follows.c.follower_id == john.id))),
        db.session.scalar(sa.select(sa.func.count()).select_from(Token).where(Token.user_id == john.id)),
        john.avatar_version,
        john.activity_read_id,
    )


def basic(username: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()}


def test_the_matrix_covers_every_api_endpoint_that_needs_a_login(app):
    covered = {(method, url.split("?")[0].replace("{john}", "{id}").replace("{post}", "{id}").replace("{susan}", "{id}")
                .replace("{mary}", "{id}").replace("{task}", "{id}").replace("{room}", "{name}"))
               for method, url, *_ in MATRIX}
    needs_login = {(method, rule.rule.replace("<int:id>", "{id}").replace("<id>", "{id}").replace("<tag>", "{tag}")
                    .replace("<name>", "{name}"))
                   for rule in app.url_map.iter_rules()
                   if rule.endpoint.startswith("api.") and rule.endpoint not in
                   {"api.get_version", "api.get_health", "api.create_user"}
                   for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert covered == needs_login


@pytest.mark.parametrize("who", ["john", "mary", None])
@pytest.mark.parametrize(("method", "url", "json", "owner_status", "other_status", "private"), MATRIX)
def test_api_matrix(app, tmp_path, client, people, who, method, url, json, owner_status, other_status, private):
    app.config["AVATAR_DIR"] = str(tmp_path)
    ids, tokens = people
    url = url.format(**ids)
    if url == "/api/tokens" and method == "POST":
        headers = basic(who) if who else {}
    else:
        headers = tokens[who] if who else {}
    before = johns_state()
    if json == "picture":  # a multipart upload rather than JSON
        boundary, body = encode_multipart(MultiDict([("file", FileStorage(io.BytesIO(PICTURE), "me.png"))]))
        response = client.open(url, method=method, data=body, headers=headers,
                               content_type=f"multipart/form-data; boundary={boundary}")
    else:
        response = client.open(url, method=method, json=json, headers=headers)
    get_queue().join()  # an export started here runs to its end before the tables are emptied
    body = response.get_data(as_text=True)
    db.session.expire_all()
    expected = {"john": owner_status, "mary": other_status, None: 401}[who]
    assert response.status_code == expected, body
    if private:
        assert (private in body) == (who == "john")
    if who != "john":
        assert SECRET not in body
        assert johns_state() == before
