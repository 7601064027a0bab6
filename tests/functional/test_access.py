"""Access by default: every route but a short public list refuses anonymous visitors, and
private data is shown and changed only for its owner.

The walk covers every rule in ``app.url_map``, so a new route is checked as soon as it
exists: a new public route fails here until it is added to PUBLIC_ENDPOINTS.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from PIL import Image

from app import avatars, create_app
from app.extensions import db
from app.models import Message, Post, User
from tests.conftest import PASSWORD, config_for

# Endpoints an anonymous visitor may use. Extend this list, deliberately, for a new public page.
PUBLIC_ENDPOINTS = {
    "static",
    "bootstrap.static",
    "auth.login",
    "auth.logout",
    "auth.register",
    "auth.reset_password_request",
    "auth.reset_password",
    "main.set_language",
    "main.avatar",
    "main.avatar_picture",  # uploaded pictures, shown on public profiles
    # The API's open doors: the document and its page, version and health, registering,
    # and trading a username and password (HTTP Basic) for a token.
    "apifairy.json",
    "apifairy.docs",
    "api.get_version",
    "api.get_health",
    "api.create_user",
    "api.get_token",
    "main.explore",  # visitors read everyone's posts
    "main.user",  # and profiles
    "main.post",  # and single posts with their conversations
    "main.tag",  # and tag timelines
    "main.post_likes",  # and who liked a post
}
# Single routes of an otherwise protected endpoint: GET / is the front page for visitors (GET /index is not).
PUBLIC_ROUTES = {("main.index", "GET", "/")}

# A value for each URL parameter, matching the people the ``people`` fixture creates.
URL_VALUES = {"username": "susan", "recipient": "susan", "room": "general", "token": "not-a-token", "user_id": 1,
              "id": 1, "filename": "css/site.css", "post_id": 1, "tag": "flask", "report_id": 1,
              "version": "0123456789abcdef", "size": 128, "name": "general"}
# Where one endpoint needs another value than URL_VALUES gives.
ENDPOINT_VALUES = {"bootstrap.static": {"filename": "css/bootstrap.min.css"}}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def routes() -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every rule of the app, read from a fresh app's url_map."""
    app = create_app(config_for("sqlite://"))
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    )


ROUTES = routes()
OPEN_ROUTES = [route for route in ROUTES if route[0] in PUBLIC_ENDPOINTS or route in PUBLIC_ROUTES]
PROTECTED_ROUTES = [route for route in ROUTES if route not in OPEN_ROUTES]


def is_api(rule: str) -> bool:
    return rule.startswith("/api/")
SECRET = "a secret for john"


def build_url(app, endpoint: str, rule_text: str) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.rule == rule_text and rule.endpoint == endpoint)
    values = {**URL_VALUES, **ENDPOINT_VALUES.get(endpoint, {})}
    missing = rule.arguments - values.keys()
    assert not missing, f"add a value for {sorted(missing)} to URL_VALUES so {rule_text} can be checked"
    with app.test_request_context():
        return rule.build({name: values[name] for name in rule.arguments})[1]


@pytest.fixture
def people(make_user):
    """john and susan share a conversation; mary is a third person with her own about-me; john wrote post 1."""
    john, susan = make_user("john", about_me="john's words"), make_user("susan")
    make_user("mary", about_me="mary's words")
    Message.send(susan, john, SECRET)
    Post.publish(john, "john's post about #flask")
    susan.follow(john)  # an item of john's notifications page
    db.session.commit()
    return john


def is_login_redirect(response, path: str) -> bool:
    location = urlsplit(response.headers.get("Location", ""))
    return (response.status_code == 302 and location.path == "/auth/login"
            and urlsplit(parse_qs(location.query).get("next", [""])[0]).path == path)


def test_the_public_list_names_real_endpoints():
    assert PUBLIC_ENDPOINTS <= {endpoint for endpoint, _, _ in ROUTES}
    assert PUBLIC_ROUTES <= set(ROUTES)


def test_the_walk_sees_the_protected_routes():
    protected = {endpoint for endpoint, _, _ in PROTECTED_ROUTES}
    assert {"main.index", "main.edit_profile", "main.conversation", "main.notifications", "main.translate_text",
            "auth.change_password"} <= protected


@pytest.mark.parametrize(("endpoint", "method", "rule"), [r for r in PROTECTED_ROUTES if not is_api(r[2])])
def test_anonymous_browsers_are_sent_to_the_login_page(app, client, people, endpoint, method, rule):
    url = build_url(app, endpoint, rule)
    data = {"csrf_token": client.csrf_token()} if method != "GET" else None
    response = client.open(url, method=method, data=data)
    assert is_login_redirect(response, urlsplit(url).path), (method, url, response.status_code)


@pytest.mark.parametrize(("endpoint", "method", "rule"), PROTECTED_ROUTES)
def test_anonymous_json_clients_get_a_401(app, client, people, endpoint, method, rule):
    url = build_url(app, endpoint, rule)
    headers = {"Accept": "application/json", "X-CSRFToken": client.csrf_token()}
    response = client.open(url, method=method, json={} if method != "GET" else None, headers=headers)
    assert response.status_code == 401, (method, url)
    assert response.json["code"] == 401 and response.json["message"] == "Unauthorized"


@pytest.mark.parametrize(("endpoint", "method", "rule"), [r for r in PROTECTED_ROUTES if is_api(r[2])])
def test_anonymous_api_calls_get_a_401_whatever_they_accept(app, client, people, endpoint, method, rule):
    url = build_url(app, endpoint, rule)
    response = client.open(url, method=method, headers={"Accept": "text/html"})
    assert response.status_code == 401 and response.json["code"] == 401, (method, url)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_public_api_doors_really_are_open(client, people):
    assert client.get("/api/openapi.json").json["openapi"].startswith("3.")
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/version").status_code == 200
    assert client.get("/api/health").status_code == 200
    answer = client.post("/api/users", json={"username": "newcomer", "email": "new@example.com", "password": PASSWORD})
    assert answer.status_code == 201
    assert client.post("/api/tokens", auth=("newcomer", PASSWORD), csrf=False).status_code == 200


@pytest.mark.parametrize(("endpoint", "method", "rule"), [r for r in OPEN_ROUTES if not is_api(r[2])])
def test_public_routes_really_are_open(app, client, people, tmp_path, endpoint, method, rule):
    url = build_url(app, endpoint, rule)
    if endpoint == "main.avatar_picture":  # a picture to serve
        app.config["AVATAR_DIR"] = str(tmp_path)
        path = avatars.picture_path(URL_VALUES["user_id"], URL_VALUES["version"], URL_VALUES["size"])
        path.parent.mkdir(parents=True)
        Image.new("RGB", (128, 128)).save(path, "WEBP")
    data = {"csrf_token": client.csrf_token(), "language": "es"} if method != "GET" else None
    with client.open(url, method=method, data=data) as response:  # closes the static files
        assert response.status_code in (200, 302) and not is_login_redirect(response, urlsplit(url).path)


# -- the matrix: owner, another person, anonymous ------------------------------------------

MATRIX = [
    # (method, url, data, status for john (the owner), for mary (another person), what only john may see)
    ("GET", "/messages", None, 200, 200, SECRET),
    ("GET", "/messages/susan", None, 200, 404, SECRET),
    ("GET", "/messages/susan?before=1000", None, 200, 404, SECRET),
    ("GET", "/messages/susan?after=0", None, 200, 404, SECRET),
    ("POST", "/messages/susan", {"message": "hello susan"}, 302, 404, None),
    ("GET", "/send_message/susan", None, 200, 200, None),
    ("POST", "/send_message/susan", {"message": "hello susan"}, 302, 302, None),
    ("GET", "/edit_profile", None, 200, 200, "john&#39;s words"),
    ("POST", "/edit_profile", {"username": "changed", "about_me": "changed"}, 302, 302, None),
    ("GET", "/notifications", None, 200, 200, "unread_message_count"),
    ("GET", "/notifications?after=0", None, 200, 200, "unread_message_count"),
    ("GET", "/post/1/edit", None, 200, 403, "john&#39;s post"),
    ("POST", "/post/1/edit", {"post": "changed"}, 302, 403, None),
    ("GET", "/post/1/delete", None, 200, 403, None),
    ("POST", "/post/1/delete", {}, 302, 403, None),
    ("POST", "/post/1/reply", {"post": "a reply"}, 302, 302, None),  # anyone signed in may reply
    ("GET", "/notifications/all", None, 200, 200, "susan</a> followed you"),
    ("GET", "/settings/blocked", None, 200, 200, None),
    ("POST", "/block/susan", None, 302, 302, None),  # each blocks for themselves
    ("GET", "/admin/reports", None, 403, 403, None),  # neither is an admin
    ("GET", "/auth/change_password", None, 200, 200, None),
    ("POST", "/auth/change_password", {"current_password": PASSWORD, "password": "a new password",
                                       "password2": "a new password"}, 302, 302, None),  # each changes their own
]


def johns_state() -> tuple:
    """What only john may change: his profile, his password hash, his conversation with susan."""
    john = db.session.scalar(sa.select(User).where(User.email == "john@example.com"))
    messages = db.session.scalars(
        sa.select(Message.body).where(sa.or_(Message.sender_id == john.id, Message.recipient_id == john.id))
    ).all()
    posts = db.session.scalars(sa.select(Post.body).where(Post.user_id == john.id)).all()
    return john.username, john.about_me, john.password_hash, sorted(messages), sorted(posts)


@pytest.mark.parametrize("who", ["john", "mary", None])
@pytest.mark.parametrize(("method", "url", "data", "owner_status", "other_status", "private"), MATRIX)
def test_private_data_matrix(client, auth, people, who, method, url, data, owner_status, other_status, private):
    if who:
        auth.login(who)
    before = johns_state()
    response = client.open(url, method=method, data={**(data or {}), "csrf_token": client.csrf_token()}
                           if method == "POST" else None)
    body = response.get_data(as_text=True)
    db.session.expire_all()
    if who is None:
        assert is_login_redirect(response, urlsplit(url).path)
    else:
        assert response.status_code == (owner_status if who == "john" else other_status)
    if private:
        assert (private in body) == (who == "john")
    if who != "john":
        # Nobody but john can read his secret or change anything of his.
        assert SECRET not in body
        assert johns_state() == before


def test_translate_is_for_signed_in_people_only(client, auth, people):
    payload = {"text": "Hola a todos", "source_language": "es", "dest_language": "en"}
    headers = {"Accept": "application/json", "X-CSRFToken": client.csrf_token()}
    assert client.post("/translate", json=payload, headers=headers).status_code == 401
    auth.login("mary")
    headers["X-CSRFToken"] = client.csrf_token()
    assert client.post("/translate", json=payload, headers=headers).status_code == 503  # allowed; no provider here
