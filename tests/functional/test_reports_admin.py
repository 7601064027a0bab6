"""Reports, the admins' queue, suspension and the flask admin commands."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import DISMISSED, SUSPENDED, Post, Report, ReportRefused, Token, User
from tests.conftest import PASSWORD


def reports() -> list[tuple]:
    return db.session.execute(
        sa.select(Report.reporter_id, Report.user_id, Report.post_id, Report.reason, Report.text, Report.resolution)
        .order_by(Report.id)
    ).all()


@pytest.fixture
def susan(make_user):
    return make_user("susan")


@pytest.fixture
def admin(make_user):
    return make_user("ada", is_admin=True)


# -- reporting --------------------------------------------------------------------------------------


def test_report_a_person_once(client, john, susan):
    page = client.get("/user/susan/report").get_data(as_text=True)
    assert "Report susan" in page and "Spam or advertising" in page
    response = client.post("/user/susan/report", data={"reason": "spam", "text": "  buys followers  "},
                           follow_redirects=True)
    assert "Thank you. The admins will look at your report." in response.get_data(as_text=True)
    response = client.post("/user/susan/report", data={"reason": "harassment"}, follow_redirects=True)
    assert "You have reported this already" in response.get_data(as_text=True)
    assert reports() == [(john.id, susan.id, None, "spam", "buys followers", None)]


def test_report_a_post_and_the_person_separately(client, john, susan, make_post):
    post = make_post(susan, "buy my stuff")
    assert "buy my stuff" in client.get(f"/post/{post.id}/report").get_data(as_text=True)
    assert client.post(f"/post/{post.id}/report", data={"reason": "spam", "text": ""}).status_code == 302
    assert client.post("/user/susan/report", data={"reason": "spam"}).status_code == 302
    assert reports() == [(john.id, susan.id, post.id, "spam", None, None),
                         (john.id, susan.id, None, "spam", None, None)]


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose a reason."),
    ({"reason": "boredom"}, "Not a valid choice"),
    ({"reason": "spam", "text": "x" * 501}, "Field cannot be longer than 500 characters."),
    ({"reason": "spam", "text": "hi\x07there"}, "Remove the control characters from the text."),
])
def test_bad_reports_are_form_errors(client, john, susan, data, message):
    response = client.post("/user/susan/report", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert reports() == []


def test_a_nul_is_a_400_and_the_model_refuses_it_too(app, client, john, susan):
    response = client.post("/user/susan/report", data={"reason": "spam", "text": "a\x00b"})
    assert response.status_code == 400
    for reason, text in (("spam", "a\x00b"), ("spam", "x" * 501), ("nonsense", None), (["spam"], None), ("spam", 5)):
        with pytest.raises(ReportRefused):
            Report.file(john, susan, reason, text)
    with pytest.raises(ReportRefused):
        Report.file(john, john, "spam")
    assert reports() == []


def test_report_refusals(client, john, susan, make_post):
    assert client.post("/user/susan/report", data={"reason": "spam"}, csrf=False).status_code == 400
    assert client.get("/user/nobody/report").status_code == 404
    assert client.get("/post/999/report").status_code == 404
    assert client.get("/post/99999999999/report").status_code == 404
    response = client.post("/user/john/report", data={"reason": "spam"}, follow_redirects=True)
    assert "You cannot report yourself." in response.get_data(as_text=True)
    own = make_post(john, "mine")
    response = client.post(f"/post/{own.id}/report", data={"reason": "spam"}, follow_redirects=True)
    assert "You cannot report your own post." in response.get_data(as_text=True)
    assert reports() == []


def test_the_profile_menu_offers_the_report(client, john, susan):
    assert 'href="/user/susan/report"' in client.get("/user/susan").get_data(as_text=True)


def test_a_closed_report_lets_the_same_reporter_report_again(app, make_user):
    john, susan, ada = make_user("john"), make_user("susan"), make_user("ada", is_admin=True)
    assert Report.file(john, susan, "spam") is True
    assert Report.file(john, susan, "spam") is False
    Report.resolve(ada, DISMISSED, Report.user_id == susan.id)
    assert Report.file(john, susan, "hate") is True
    db.session.commit()
    assert [row.resolution for row in reports()] == [DISMISSED, None]


# -- the queue ----------------------------------------------------------------------------------------


def test_only_admins_see_the_queue(client, auth, john, susan, admin):
    Report.file(susan, john, "spam")
    db.session.commit()
    report_id = db.session.scalar(sa.select(Report.id))
    assert client.get("/admin/reports").status_code == 403
    for action in ("dismiss", "remove_post", "suspend"):
        assert client.post(f"/admin/reports/{report_id}/{action}").status_code == 403
    assert reports()[0].resolution is None
    auth.logout()
    auth.login("ada")
    page = client.get("/admin/reports").get_data(as_text=True)
    assert "Spam or advertising" in page and "Reported by" in page and "susan" in page


def test_a_post_deleted_by_its_author_leaves_the_queue(client, auth, admin, john, susan, make_post):
    post = make_post(susan, "regret")
    Report.file(john, susan, "spam", post_id=post.id)
    db.session.commit()
    post.delete()
    db.session.commit()
    auth.logout()
    auth.login("ada")
    assert "No open reports" in client.get("/admin/reports").get_data(as_text=True)


def test_the_queue_pages_by_keyset_newest_first(client, auth, admin, make_user):
    target = make_user("target")
    for n in range(5):
        Report.file(make_user(f"r{n}"), target, "spam", f"report number {n}")
    db.session.commit()
    auth.login("ada")
    page = client.get("/admin/reports").get_data(as_text=True)
    assert re.findall(r"report number (\d)", page) == ["4", "3", "2"]
    older = re.search(r'class="page-link older-link" href="([^"#]+)"', page).group(1).replace("&amp;", "&")
    assert re.findall(r"report number (\d)", client.get(older).get_data(as_text=True)) == ["1", "0"]
    assert client.get("/admin/reports?before=abc").status_code == 400


def test_dismiss(client, auth, admin, john, susan):
    Report.file(john, susan, "spam")
    db.session.commit()
    report_id = db.session.scalar(sa.select(Report.id))
    auth.logout()
    auth.login("ada")
    response = client.post(f"/admin/reports/{report_id}/dismiss", follow_redirects=True)
    assert "The report was dismissed." in response.get_data(as_text=True)
    assert reports()[0].resolution == DISMISSED
    assert client.post(f"/admin/reports/{report_id}/dismiss").status_code == 404  # closed already
    assert client.post(f"/admin/reports/{report_id}/dismiss", csrf=False).status_code == 400
    assert client.get(f"/admin/reports/{report_id}/dismiss").status_code == 405


def test_remove_post_takes_the_post_its_counter_and_its_reports(client, auth, admin, john, susan, make_post):
    post = make_post(susan, "awful")
    make_post(susan, "fine")
    Report.file(john, susan, "hate", post_id=post.id)
    Report.file(admin, susan, "hate", post_id=post.id)
    Report.file(john, susan, "spam")  # about the person: stays open
    db.session.commit()
    report_id = db.session.scalar(sa.select(sa.func.min(Report.id)))
    auth.logout()
    auth.login("ada")
    response = client.post(f"/admin/reports/{report_id}/remove_post", follow_redirects=True)
    assert "The post was removed." in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Post.body)).all() == ["fine"]
    assert db.session.scalar(sa.select(User.posts_count).where(User.id == susan.id)) == 1
    assert reports() == [(john.id, susan.id, None, "spam", None, None)]
    person_report = db.session.scalar(sa.select(Report.id))
    assert client.post(f"/admin/reports/{person_report}/remove_post").status_code == 400


def test_suspend_ends_everything_and_closes_their_reports(app, client, auth, admin, john, susan, bearer):
    Report.file(john, susan, "spam")
    Report.file(admin, susan, "hate")
    db.session.commit()
    report_id = db.session.scalar(sa.select(sa.func.min(Report.id)))
    # susan is signed in elsewhere and has an API token.
    other = app.test_client()
    other.post("/auth/login", data={"username": "susan", "password": PASSWORD, "csrf_token": other.csrf_token()})
    assert other.get("/index").status_code == 200
    headers = bearer(susan)
    auth.logout()
    auth.login("ada")
    response = client.post(f"/admin/reports/{report_id}/suspend", follow_redirects=True)
    assert "susan is suspended." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, susan.id).suspended_at is not None
    assert [row.resolution for row in reports()] == [SUSPENDED, SUSPENDED]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Token).where(Token.user_id == susan.id)) == 0
    # Her session has ended, her token no longer works, and she cannot sign in again.
    assert other.get("/index").status_code == 302
    assert other.get("/api/me", headers=headers).status_code == 401
    response = other.post("/auth/login", data={"username": "susan", "password": PASSWORD,
                                               "csrf_token": other.csrf_token()}, follow_redirects=True)
    assert "This account is suspended." in response.get_data(as_text=True)
    assert other.get("/index").status_code == 302
    assert other.post("/api/tokens", auth=("susan", PASSWORD), csrf=False).status_code == 401
    # Her profile says so.
    assert "This account is suspended" in client.get("/user/susan").get_data(as_text=True)


def test_an_admin_cannot_suspend_themselves(client, auth, admin, john):
    Report.file(john, admin, "spam")
    db.session.commit()
    auth.logout()
    auth.login("ada")
    report_id = db.session.scalar(sa.select(Report.id))
    assert client.post(f"/admin/reports/{report_id}/suspend").status_code == 400
    assert db.session.get(User, admin.id).suspended_at is None


# -- flask admin ----------------------------------------------------------------------------------------


def test_flask_admin_commands(app, make_user):
    make_user("john")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin", "grant", "JOHN"])
    assert result.exit_code == 0 and "john is an admin." in result.output
    assert db.session.scalar(sa.select(User.is_admin).where(User.username == "john")) is True
    assert runner.invoke(args=["admin", "list"]).output == "john\n"
    result = runner.invoke(args=["admin", "revoke", "john"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.is_admin).where(User.username == "john")) is False
    result = runner.invoke(args=["admin", "grant", "nobody"])
    assert result.exit_code != 0 and "there is nobody called 'nobody'" in result.output
    result = runner.invoke(args=["admin", "unsuspend", "john"])
    assert result.exit_code != 0 and "john is not suspended." in result.output


def test_unsuspend_lets_them_back_in(app, client, auth, make_user):
    from app import moderation

    john, ada = make_user("john"), make_user("ada", is_admin=True)
    moderation.suspend(ada, john)
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["admin", "unsuspend", "john"]).exit_code == 0
    auth.login("john")
    assert client.get("/index").status_code == 200


def test_the_post_page_offers_the_report_to_others_only(client, john, susan, make_post):
    theirs, mine = make_post(susan, "theirs"), make_post(john, "mine")
    assert f'href="/post/{theirs.id}/report"' in client.get(f"/post/{theirs.id}").get_data(as_text=True)
    assert f'href="/post/{mine.id}/report"' not in client.get(f"/post/{mine.id}").get_data(as_text=True)
