"""Hostile input to every form and list route: whatever arrives, the answer is never a 5xx.

Hypothesis draws arbitrary text (NUL, lone surrogates, control characters, any plane)
for every field and query parameter, on SQLite, a bounded number of times per route;
a fixed list of nasty values goes to every field on both databases.
"""

from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from app.extensions import db
from app.models import Message, User
from tests.conftest import PASSWORD, CSRFClient, config_for, empty_all_tables, migrate

# (path, fields) of every form; {other} is a person, {token} any text.
FORMS = [
    ("/auth/login", ["username", "password", "remember_me"]),
    ("/auth/register", ["username", "email", "password", "password2"]),
    ("/auth/reset_password_request", ["email"]),
    ("/auth/reset_password/{text}", ["password", "password2"]),
    ("/language", ["language", "next"]),
    ("/index", ["post"]),
    ("/edit_profile", ["username", "about_me", "language"]),
    ("/auth/change_password", ["current_password", "password", "password2"]),
    ("/send_message/{other}", ["message"]),
    ("/messages/{other}", ["message"]),
    ("/send_message/{text}", ["message"]),
    ("/follow/{text}", ["submit"]),
    ("/unfollow/{other}", ["submit"]),
]
ANONYMOUS_FORMS = {"/auth/login", "/auth/register", "/auth/reset_password_request", "/auth/reset_password/{text}"}
# (path, query parameters) of every list and fragment.
LISTS = [
    ("/index", ["page"]),
    ("/explore", ["page"]),
    ("/user/{other}", ["page"]),
    ("/user/{text}", ["page"]),
    ("/user/{other}/popup", []),
    ("/messages", ["page"]),
    ("/messages/{other}", ["before", "after"]),
    ("/notifications", ["since", "after"]),
    ("/avatar/1", ["s"]),
    ("/auth/login", ["next"]),
    ("/auth/reset_password/{text}", []),
    ("/send_message/{other}", []),
]
NASTY = [
    "\x00", "a\x00b", "\ud800", "x\udfff", "\x01\x02\x1b[31m", "\r\nSet-Cookie: x=1", "\u202e\u200b", "𝕏" * 300,
    "-1", "0", "2147483648", "9223372036854775808", "1e400", "NaN", "-inf", "１２", "' OR 1=1 --",
    "<script>alert(1)</script>", "%00", "../../etc/passwd", "//evil.example", " ", "", "x" * 5000,
]

ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=300)
VALUES = st.one_of(ANY_TEXT, st.sampled_from(NASTY), st.integers().map(str))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20,
)
FUZZ = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def encode(value: str) -> str:
    """Percent-encode any text, lone surrogates included (they become bytes that are not UTF-8)."""
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


def fill(path: str, text: str) -> str:
    return path.replace("{other}", "susan").replace("{text}", encode(text) or "x")


class People:
    """An anonymous visitor and john, signed in, each with a CSRF token."""

    def __init__(self, app):
        self.anonymous = app.test_client()
        self.john = app.test_client()
        response = self.john.post("/auth/login", data={"username": "john", "password": PASSWORD})
        assert response.headers["Location"] == "/index"
        self.tokens = {id(client): client.csrf_token() for client in (self.anonymous, self.john)}

    def post_form(self, path: str, values: dict[str, str]):
        client = self.anonymous if path in ANONYMOUS_FORMS else self.john
        body = "&".join(f"{encode(name)}={encode(value)}" for name, value in values.items())
        body += f"&csrf_token={self.tokens[id(client)]}"
        return client.post(path, data=body.encode(), content_type="application/x-www-form-urlencoded", csrf=False)


def set_up_people(password_hash: str) -> None:
    john = User(username="john", email="john@example.com", password_hash=password_hash)
    susan = User(username="susan", email="susan@example.com", password_hash=password_hash)
    db.session.add_all([john, susan])
    db.session.commit()
    Message.send(susan, john, "hello")
    db.session.commit()


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory, password_hash):
    url = "sqlite:///" + str(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    migrate(url)
    app = create_app(config_for(url))
    app.test_client_class = CSRFClient
    with app.app_context():
        set_up_people(password_hash)
        yield app
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def people(sqlite_app) -> People:
    return People(sqlite_app)


def assert_no_server_error(response, what) -> None:
    assert response.status_code < 500, f"{response.status_code} for {what!r}"


@pytest.mark.parametrize("path,fields", FORMS, ids=[path for path, _ in FORMS])
@FUZZ
@given(data=st.data())
def test_forms_never_answer_with_a_server_error(sqlite_app, people, path, fields, data):
    url = fill(path, data.draw(ANY_TEXT, label="in the URL"))
    values = {field: data.draw(VALUES, label=field) for field in fields}
    assert_no_server_error(people.post_form(url, values), (url, values))
    db.session.rollback()


@pytest.mark.parametrize("path,parameters", LISTS, ids=[path for path, _ in LISTS])
@FUZZ
@given(data=st.data())
def test_lists_never_answer_with_a_server_error(sqlite_app, people, path, parameters, data):
    url = fill(path, data.draw(ANY_TEXT, label="in the URL"))
    query = "&".join(f"{name}={encode(data.draw(VALUES, label=name))}" for name in parameters)
    response = people.john.get(url, query_string=query)
    assert_no_server_error(response, (url, query))


@FUZZ
@given(payload=JSON)
def test_translate_never_answers_with_a_server_error(sqlite_app, people, payload):
    response = people.john.post("/translate", json=payload,
                                headers={"X-CSRFToken": people.tokens[id(people.john)], "Accept": "application/json"})
    assert response.status_code in (400, 503), payload


@FUZZ
@given(fields=st.dictionaries(VALUES, VALUES, max_size=5))
def test_unknown_fields_and_names_never_answer_with_a_server_error(sqlite_app, people, fields):
    assert_no_server_error(people.post_form("/index", fields), fields)
    assert_no_server_error(people.post_form("/auth/login", fields), fields)


# -- the same nasty values, fixed, on both databases ----------------------------------------


@pytest.mark.parametrize("value", NASTY, ids=[repr(value)[:20] for value in NASTY])
def test_nasty_values_in_every_field_and_parameter(app, password_hash, value):
    set_up_people(password_hash)
    people = People(app)
    for path, fields in FORMS:
        url = fill(path, value)
        assert_no_server_error(people.post_form(url, dict.fromkeys(fields, value)), (url, value))
    for path, parameters in LISTS:
        url = fill(path, value)
        query = "&".join(f"{name}={encode(value)}" for name in parameters)
        assert_no_server_error(people.john.get(url, query_string=query), (url, value))
