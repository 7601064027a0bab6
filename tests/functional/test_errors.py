import pytest
from flask import abort

from app.extensions import db


@pytest.fixture
def failing_app(app):
    @app.route("/boom")
    def boom():
        db.session.execute(db.text("SELECT 1"))
        raise RuntimeError("something broke")

    @app.route("/api/forbidden")
    def forbidden():
        abort(403)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_404_page_in_the_site_look(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "app-nav" in page


def test_500_page_rolls_back_and_hides_details(failing_app, client, caplog):
    response = client.get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "An unexpected error has occurred" in page and "something broke" not in page
    assert not db.session().in_transaction()
    assert any("something broke" in str(record.exc_info) for record in caplog.records if record.exc_info)


def test_api_paths_get_json_errors(failing_app, client):
    response = client.get("/api/forbidden")
    assert response.status_code == 403
    assert response.json == {"code": 403, "message": "Forbidden",
                             "description": response.json["description"]}
    assert client.get("/api/nothing-here").json["code"] == 404


def test_clients_asking_for_json_get_json_errors(failing_app, client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["message"] == "Not Found"
    response = client.get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500 and response.json["message"] == "Internal Server Error"


def test_browsers_get_html_errors(client):
    response = client.get("/nope", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"
