import jwt

from app.models import User


def test_token_identifies_its_user(make_user):
    user = make_user("john")
    assert User.verify_reset_password_token(user.get_reset_password_token()) == user


def test_expired_token_is_refused(make_user):
    user = make_user("john")
    token = user.get_reset_password_token(expires_in=-1)
    assert User.verify_reset_password_token(token) is None


def test_tampered_token_is_refused(app, make_user):
    john, susan = make_user("john"), make_user("susan")
    payload = jwt.decode(john.get_reset_password_token(), app.config["SECRET_KEY"], algorithms=["HS256"])
    payload["reset_password"] = susan.id
    forged = jwt.encode(payload, "an attacker guessing at the secret key!!", algorithm="HS256")
    assert User.verify_reset_password_token(forged) is None
    assert User.verify_reset_password_token(john.get_reset_password_token() + "x") is None
    assert User.verify_reset_password_token("garbage") is None


def test_token_stops_working_once_the_password_changes(make_user):
    user = make_user("john")
    token = user.get_reset_password_token()
    user.set_password("a brand new password")
    assert User.verify_reset_password_token(token) is None


def test_token_for_a_deleted_user_is_refused(app, make_user):
    from app.extensions import db

    user = make_user("john")
    token = user.get_reset_password_token()
    db.session.delete(user)
    db.session.commit()
    assert User.verify_reset_password_token(token) is None
