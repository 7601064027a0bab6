"""API tokens: Basic for a token, bearer for the rest; hashed, expiring, per device, revocable."""

import hashlib
from datetime import timedelta

import sqlalchemy as sa

from app import accounts
from app.extensions import db
from app.models import Token, User, utcnow
from tests.conftest import PASSWORD


def test_basic_credentials_get_a_token_stored_only_as_its_hash(client, make_user):
    john = make_user("john")
    response = client.post("/api/tokens", auth=("john", PASSWORD), csrf=False)
    assert response.status_code == 200
    secret = response.json["token"]
    assert len(secret) >= 40 and response.json["device"] is None
    row = db.session.scalar(sa.select(Token))
    assert row.user_id == john.id and row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {row.token_hash, str(row.id)}
    assert row.expires_at - utcnow() > timedelta(days=6)
    assert client.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).json["username"] == "john"


def test_the_e_mail_address_works_as_the_login_too(client, make_user):
    make_user("john")
    assert client.post("/api/tokens", auth=("JOHN@example.com", PASSWORD), csrf=False).status_code == 200


def test_wrong_basic_credentials_are_a_401_with_a_basic_challenge(client, make_user):
    make_user("john")
    for auth in [("john", "wrong password"), ("nobody", PASSWORD), None]:
        response = client.post("/api/tokens", auth=auth, csrf=False)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert response.json["code"] == 401 and response.json["message"] == "Unauthorized"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Token)) == 0


def test_a_bad_or_expired_token_is_a_401_with_a_bearer_challenge(client, make_user, bearer):
    john = make_user("john")
    headers = bearer(john)
    db.session.execute(sa.update(Token).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    for sent in [headers, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Bearer " + "x" * 5000}, {}]:
        response = client.get("/api/me", headers=sent)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json["code"] == 401


def test_a_person_holds_one_token_per_device(client, make_user):
    make_user("john")
    phone = client.post("/api/tokens?device=phone", auth=("john", PASSWORD), csrf=False).json["token"]
    laptop = client.post("/api/tokens?device=laptop", auth=("john", PASSWORD), csrf=False).json["token"]
    new_phone = client.post("/api/tokens?device=phone", auth=("john", PASSWORD), csrf=False).json["token"]
    assert sorted(db.session.scalars(sa.select(Token.device))) == ["laptop", "phone"]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {phone}"}).status_code == 401
    for secret in (laptop, new_phone):
        assert client.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_bad_device_name_is_a_400(client, make_user):
    make_user("john")
    response = client.post("/api/tokens?device=" + "x" * 65, auth=("john", PASSWORD), csrf=False)
    assert response.status_code == 400 and "device" in response.json["errors"]


def test_delete_revokes_only_the_token_used(client, make_user, bearer):
    john = make_user("john")
    first, second = bearer(john), bearer(john)
    response = client.delete("/api/tokens", headers=first)
    assert response.status_code == 204 and response.data == b""
    assert client.get("/api/me", headers=first).status_code == 401
    assert client.get("/api/me", headers=second).status_code == 200
    assert client.delete("/api/tokens", headers=first).status_code == 401


def test_issuing_drops_the_persons_expired_tokens(make_user):
    john = make_user("john")
    Token.issue(john, -10)
    Token.issue(john, 3600)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Token)) == 1


def test_a_password_change_revokes_every_token(client, make_user, bearer):
    john, susan = make_user("john"), make_user("susan")
    johns, susans = bearer(john), bearer(susan)
    response = client.put(f"/api/users/{john.id}", json={"current_password": PASSWORD, "password": "a new password"},
                          headers=johns)
    assert response.status_code == 200
    assert client.get("/api/me", headers=johns).status_code == 401
    assert client.get("/api/me", headers=susans).status_code == 200
    assert client.post("/api/tokens", auth=("john", "a new password"), csrf=False).status_code == 200


def test_the_services_revoke_the_tokens_on_both_kinds_of_password_change(make_user):
    john = make_user("john")
    for change in (lambda: accounts.change_password(john, PASSWORD, "another password"),
                   lambda: accounts.reset_password(john, "a third password")):
        Token.issue(john, 3600)
        db.session.commit()
        change()
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Token)) == 0


def test_a_wrong_current_password_is_a_403_and_keeps_the_tokens(client, make_user, bearer):
    john = make_user("john")
    headers = bearer(john)
    response = client.put(f"/api/users/{john.id}", json={"current_password": "wrong", "password": "a new password"},
                          headers=headers)
    assert response.status_code == 403 and "current_password" in response.json["errors"]
    assert client.get("/api/me", headers=headers).status_code == 200
    assert db.session.get(User, john.id).check_password(PASSWORD)


def test_a_browser_session_is_not_an_api_login(client, auth, make_user):
    make_user("john")
    auth.login()
    assert client.get("/api/me").status_code == 401
    assert client.post("/api/posts", json={"body": "through the cookie"}).status_code == 401
