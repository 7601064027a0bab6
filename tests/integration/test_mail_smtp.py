"""Mail over real SMTP, to an aiosmtpd sink listening on 127.0.0.1."""

from email.message import Message
from urllib.parse import urlsplit

from app import create_app
from app.extensions import db
from tests.conftest import CSRFClient, config_for, wait_for


def parts_of(message: Message) -> dict[str, str]:
    return {part.get_content_type(): part.get_payload(decode=True).decode() for part in message.walk()
            if not part.is_multipart()}


def test_password_reset_mail_is_sent_over_smtp_in_the_background(app, smtp_sink, make_user, client):
    port, handler = smtp_sink
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SEND_ASYNC=True)
    app.extensions["mail"].server = "127.0.0.1"
    app.extensions["mail"].port = port
    app.extensions["mail"].suppress = False
    make_user("john")
    response = client.post("/auth/reset_password_request", data={"email": "john@example.com"})
    assert response.status_code == 302
    wait_for(lambda: handler.messages)
    message = handler.messages[0]
    assert message["X-Envelope-To"] == "john@example.com"
    assert message["Subject"] == "[Microblog] Reset Your Password"
    parts = parts_of(message)
    assert set(parts) == {"text/plain", "text/html"}
    link = next(word for word in parts["text/plain"].split() if "/auth/reset_password/" in word)
    assert link in parts["text/html"]
    new = {"password": "chosen over smtp", "password2": "chosen over smtp"}
    assert client.post(urlsplit(link).path, data=new).headers["Location"] == "/auth/login"


def test_errors_are_mailed_to_the_admins(tmp_path, smtp_sink, database_url):
    port, handler = smtp_sink
    config = config_for(
        database_url, TESTING=False, DEBUG=False, TRUSTED_HOSTS=["localhost"], MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
        ADMINS=["ops@example.com"], LOG_TO_STDOUT=False, LOG_DIR=str(tmp_path),
    )
    app = create_app(config)
    app.test_client_class = CSRFClient

    @app.route("/explode")
    def explode():
        raise RuntimeError("the flux capacitor failed")

    with app.app_context():
        response = app.test_client().get("/explode")
        db.engine.dispose()
    assert response.status_code == 500
    wait_for(lambda: handler.messages)
    message = handler.messages[0]
    assert message["Subject"] == "Microblog failure"
    assert message["X-Envelope-To"] == "ops@example.com"
    assert "the flux capacitor failed" in message.get_payload()
    log = (tmp_path / "microblog.log").read_text()
    assert "the flux capacitor failed" in log
