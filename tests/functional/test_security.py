"""Regression tests for the security findings: one group per finding, on both databases."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app import accounts
from app.extensions import db, mail
from app.models import Message, Post, User
from tests.conftest import PASSWORD, CSRFClient, config_for

NEW_PASSWORD = "a brand new password"


def reset_mail(client, host: str | None = None):
    """Ask for john's reset link (with a forged Host header and CSRF off, if ``host``) and return the mail."""
    environ = {"HTTP_HOST": host} if host else None
    with mail.record_messages() as outbox:
        client.post("/auth/reset_password_request", data={"email": "john@example.com"}, environ_overrides=environ,
                    csrf=not host)
    assert len(outbox) == 1
    return outbox[0]


def link_in(message) -> str:
    return next(word for word in message.body.split() if "/auth/reset_password/" in word)


# -- 1. e-mailed links come from configuration, never from the Host header -------------------


def test_reset_links_use_server_name_and_scheme_not_the_host_header(app, client, make_user):
    make_user("john")
    app.config.update(SERVER_NAME="microblog.example", PREFERRED_URL_SCHEME="https", WTF_CSRF_ENABLED=False)
    message = reset_mail(client, host="evil.example")
    link = link_in(message)
    assert link.startswith("https://microblog.example/auth/reset_password/")
    assert "evil.example" not in message.body and "evil.example" not in message.html


def test_reset_links_use_the_first_trusted_host_without_server_name(app, client, make_user):
    make_user("john")
    app.config.update(TRUSTED_HOSTS=[".example.org", "microblog.example"], WTF_CSRF_ENABLED=False)
    assert link_in(reset_mail(client, host="www.example.org")).startswith("http://microblog.example/")


def test_hosts_outside_trusted_hosts_are_refused(app, client):
    app.config["TRUSTED_HOSTS"] = ["microblog.example"]
    assert client.get("/auth/login", environ_overrides={"HTTP_HOST": "evil.example"}).status_code == 400
    assert client.get("/auth/login", environ_overrides={"HTTP_HOST": "microblog.example"}).status_code == 200


# -- 2. sessions and "remember me" can be revoked ---------------------------------------------


def signed_in_client(app, remember: bool = False) -> CSRFClient:
    other = app.test_client()
    response = other.post("/auth/login", data={"username": "john", "password": PASSWORD,
                                               "remember_me": "y" if remember else ""})
    assert response.headers["Location"] == "/index"
    return other


def is_signed_in(client) -> bool:
    return client.get("/index").status_code == 200


def remember_cookie_only(app, client) -> CSRFClient:
    """A new browser holding nothing but a saved copy of ``client``'s remember cookie."""
    thief = app.test_client()
    thief.set_cookie("remember_token", client.get_cookie("remember_token").value)
    return thief


def session_cookie_copy(app, client) -> CSRFClient:
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_cookies_are_http_only_same_site_and_remember_me_lasts_a_month(app, make_user):
    make_user("john")
    response = app.test_client().post("/auth/login", data={"username": "john", "password": PASSWORD,
                                                           "remember_me": "y"})
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]  # plain HTTP here; see the next test
    expires = parsedate_to_datetime(cookies["remember_token"].split("Expires=")[1].split(";")[0])
    assert expires - datetime.now(UTC) < timedelta(days=31)


def test_secure_cookies_when_configured(app, make_user):
    make_user("john")
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    other = app.test_client()
    response = other.post("/auth/login", data={"username": "john", "password": PASSWORD, "remember_me": "y"},
                          base_url="https://localhost")
    assert all("Secure" in header for header in response.headers.getlist("Set-Cookie"))


def test_a_password_reset_ends_every_session_and_remember_cookie(app, client, make_user):
    make_user("john")
    laptop = signed_in_client(app, remember=True)
    saved_session, saved_remember = session_cookie_copy(app, laptop), remember_cookie_only(app, laptop)
    assert is_signed_in(saved_session) and is_signed_in(saved_remember)
    link = urlsplit(link_in(reset_mail(client))).path
    assert client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302
    for browser in (laptop, saved_session, saved_remember):
        assert not is_signed_in(browser)


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(app, client, auth, make_user):
    make_user("john")
    phone = signed_in_client(app, remember=True)
    auth.login()
    response = client.post("/auth/change_password", data={"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                          "password2": NEW_PASSWORD})
    assert response.headers["Location"] == "/edit_profile"
    assert is_signed_in(client)
    assert not is_signed_in(phone) and not is_signed_in(remember_cookie_only(app, phone))


def test_sign_out_everywhere_ends_every_session(app, client, auth, make_user):
    user = make_user("john")
    phone = signed_in_client(app, remember=True)
    auth.login()
    page = client.get("/auth/change_password").get_data(as_text=True)
    assert 'action="/auth/logout_everywhere"' in page and "Sign out everywhere" in page
    assert client.post("/auth/logout_everywhere", csrf=False).status_code == 400  # CSRF protected
    saved = session_cookie_copy(app, client)
    response = client.post("/auth/logout_everywhere")
    assert response.headers["Location"] == "/auth/login"
    for browser in (client, saved, phone, remember_cookie_only(app, phone)):
        assert not is_signed_in(browser)
    db.session.refresh(user)
    assert user.session_version == 1
    assert is_signed_in(signed_in_client(app))  # signing in again works


def test_logout_deletes_the_remember_cookie(app, make_user):
    make_user("john")
    laptop = signed_in_client(app, remember=True)
    response = laptop.post("/auth/logout")
    cleared = [header for header in response.headers.getlist("Set-Cookie") if header.startswith("remember_token=")]
    assert cleared and "Expires=Thu, 01 Jan 1970" in cleared[0]
    assert laptop.get_cookie("remember_token") is None and not is_signed_in(laptop)


def test_a_new_csrf_token_after_signing_in(client, make_user):
    make_user("john")
    client.get("/auth/login")
    with client.session_transaction() as session:
        before = session["csrf_token"]
    client.post("/auth/login", data={"username": "john", "password": PASSWORD})
    client.get("/index")
    with client.session_transaction() as session:
        assert session["csrf_token"] != before


def test_old_style_session_ids_are_not_accepted(app, make_user):
    user = make_user("john")
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = str(user.id)  # no session version
        session["_fresh"] = True
    assert not is_signed_in(forged)


# -- 3. hostile input is a 400 or a form error, never a 500 -----------------------------------


@pytest.mark.parametrize("url", [
    "/index?page=-1", "/index?page=0", "/index?page=922337203685477580", "/index?page=abc", "/explore?page=1e3",
    "/user/john?page=%00", "/messages?page=99999999999", "/messages/susan?before=2147483648",
    "/messages/susan?after=-1", "/notifications?after=%00", "/index?x%00=1",
])
def test_bad_query_values_are_a_400(client, john, make_user, url):
    susan = make_user("susan")
    Message.send(susan, john, "hello")
    db.session.commit()
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("url", ["/user/x%00", "/user/x%00/popup", "/messages/x%00", "/send_message/x%00"])
def test_nul_in_a_url_segment_is_a_400(client, john, url):
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400 and "NUL" in response.json["errors"][next(iter(response.json["errors"]))][0]


def test_notifications_since_infinity_reads_as_zero(client, john):
    for since in ("inf", "nan", "1e400", "-inf"):
        assert client.get(f"/notifications?since={since}").status_code == 200


@pytest.mark.parametrize("data", [
    {"username": "x\x00", "password": "x"},
    {"username": "john", "password": "x\x00"},
    {"username": "john\x00", "password": PASSWORD},
])
def test_nul_on_the_login_form_is_a_400_for_anyone(client, make_user, data):
    make_user("john")
    assert client.post("/auth/login", data=data).status_code == 400
    assert not is_signed_in(client)


@pytest.mark.parametrize("path,data", [
    ("/index", {"post": "hello\x00"}),
    ("/edit_profile", {"username": "john", "about_me": "a\x00b"}),
    ("/send_message/susan", {"message": "\x00"}),
])
def test_nul_in_any_form_field_is_a_400(client, john, make_user, path, data):
    make_user("susan")
    assert client.post(path, data=data).status_code == 400


def test_a_multipart_part_without_a_name_is_not_a_500(client, john):
    body = b'--b\r\nContent-Disposition: form-data\r\n\r\nnull\r\n--b--\r\n'
    response = client.post("/edit_profile", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400


@pytest.mark.parametrize("next_page", ["/index%0d%0aSet-Cookie:%20x=1", "/index%0a", "/explore%09", "/user/%7f"])
def test_control_characters_in_next_are_ignored(client, make_user, next_page):
    make_user("john")
    response = client.post(f"/auth/login?next={next_page}", data={"username": "john", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/index"
    assert "Set-Cookie: x" not in str(response.headers)


def test_control_characters_in_next_after_a_failed_login(client, make_user):
    make_user("john")
    response = client.post("/auth/login?next=/index%0d%0ax", data={"username": "john", "password": "wrong one"})
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/auth/login"
    assert "%0d" not in response.headers["Location"].lower()


def test_deeply_nested_json_to_translate_is_a_400(client, john):
    body = '{"text": ' + "[" * 20_000 + "]" * 20_000 + "}"  # deeper than Python's parser goes, under 64 KiB
    response = client.post("/translate", data=body, content_type="application/json",
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 400 and response.json["code"] == 400


# -- 4. oversize bodies are refused before they are read --------------------------------------


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register", "/index"])
def test_oversize_bodies_get_a_413(client, john, path):
    response = client.post(path, data={"post": "x" * 10_000_000, "username": "john"})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Request too large" in page and "xxxxxxxxxx" not in page


def test_a_long_post_under_the_size_limit_is_a_form_error(client, john):
    page = client.post("/index", data={"post": "y" * 60_000}).get_data(as_text=True)
    assert "Field must be between 1 and 140 characters long." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


# -- 7. security headers ----------------------------------------------------------------------


def test_every_page_carries_the_security_headers(client, john):
    for url in ("/index", "/auth/change_password", "/no-such-page"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "script-src" not in policy or "unsafe-inline" not in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP


def test_private_pages_are_not_stored_but_avatars_and_static_files_may_be(client, john):
    for url in ("/index", "/messages", "/notifications", "/edit_profile", "/auth/login"):
        assert "no-store" in client.get(url).headers["Cache-Control"], url
    assert "public" in client.get(f"/avatar/{john.id}").headers["Cache-Control"]
    with client.get("/static/css/site.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_hsts_over_https(client):
    response = client.get("/auth/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


# -- 8. smaller findings ----------------------------------------------------------------------


@pytest.mark.parametrize("username", ["john\n", "jo\nhn", "İstanbul", "jöhn", "ǅemal", "ﬁne"])
def test_usernames_are_ascii_without_a_line_break(client, username):
    data = {"username": username, "email": "x@example.com", "password": "a good password",
            "password2": "a good password"}
    page = client.post("/auth/register", data=data).get_data(as_text=True)
    assert "Use only the letters a to z" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.parametrize("username", ["jo\nhn", "İstanbul", "straße"])
def test_the_service_refuses_names_python_and_the_database_would_fold_differently(app, username):
    with pytest.raises(accounts.InvalidAccountField):
        accounts.register(username, "x@example.com", "a good password")


def test_unknown_names_cost_one_password_hash_check_like_known_ones(app, make_user, monkeypatch):
    make_user("john")
    checked: list[str] = []
    real = accounts.check_password_hash

    def counting(pwhash, password):
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    assert accounts.authenticate("john", "wrong password") is None
    assert accounts.authenticate("nobody", "wrong password") is None
    assert accounts.authenticate("nobody@example.com", "wrong password") is None
    assert accounts.authenticate("bad\x01name", "wrong password") is None
    assert len(checked) == 4
    # The dummy hash is as costly as a real one: the same method and parameters.
    assert checked[1].split("$")[0] == checked[0].split("$")[0]


def test_a_reset_link_used_by_another_request_meanwhile_is_refused(app, make_user):
    user = make_user("john")
    checked = User.verify_reset_password_token(user.get_reset_password_token())
    # Another request, holding the same link, changes the password first.
    db.session.execute(sa.update(User).where(User.id == user.id).values(password_hash="set by the other request")
                       .execution_options(synchronize_session=False))
    with pytest.raises(accounts.ResetLinkUsed):
        accounts.reset_password(checked, NEW_PASSWORD)
    assert db.session.scalar(sa.select(User.password_hash)) == "set by the other request"


def test_the_error_page_renders_when_the_database_is_down():
    from app import create_app

    # Nothing listens on this port: every query fails to connect.
    down = config_for("postgresql+psycopg://postgres@127.0.0.1:5509/nothing", PROPAGATE_EXCEPTIONS=False,
                      SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    app = create_app(down)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"
    response = client.get("/index")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "An unexpected error has occurred" in page and "<nav" in page
    assert "Sign In" in page or "Login" in page or "/auth/login" in page
