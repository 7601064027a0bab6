"""Account e-mails."""

from flask import render_template
from flask_babel import _, force_locale, get_locale

from ..email import send_email
from ..models import User
from ..web import external_url


def send_password_reset_email(user: User) -> None:
    """Mail ``user`` a link that lets them choose a new password, in their own language."""
    token = user.get_reset_password_token()
    url = external_url("auth.reset_password", token=token)  # from SERVER_NAME, not the request's Host
    # Their saved language if they have one, else the language of the page they asked from.
    with force_locale(user.locale or str(get_locale() or "en")):
        send_email(
            _("[Microblog] Reset Your Password"),
            recipients=[user.email],
            text_body=render_template("email/reset_password.txt", user=user, url=url),
            html_body=render_template("email/reset_password.html", user=user, url=url),
        )
