"""Account views."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import _
from flask_login import current_user, login_required, login_url, login_user, logout_user

from .. import accounts
from ..extensions import db, limiter
from ..extensions import login as login_manager
from ..models import User
from ..ratelimits import failed_login, login_account, mark_failed_login, reset_email, setting
from ..web import is_safe_next, save_account, wants_json
from . import bp
from .email import send_password_reset_email
from .forms import (
    ChangePasswordForm,
    LoginForm,
    LogoutEverywhereForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetPasswordRequestForm,
)


@login_manager.unauthorized_handler
def ask_to_log_in():
    """Send a person to the login page and back again; JSON clients get a 401."""
    if wants_json():
        abort(401)
    flash(_("Please log in to access this page."), "info")
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def sign_in(user: User, remember: bool = False) -> None:
    """Start a session for ``user`` with a fresh CSRF token (none from before the sign-in survives)."""
    session.pop("csrf_token", None)
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
# Only failed attempts count: generous per client address, tight per account.
@limiter.limit(setting("RATELIMIT_LOGIN_PER_ADDRESS"), methods=["POST"], deduct_when=failed_login)
@limiter.limit(
    setting("RATELIMIT_LOGIN_PER_ACCOUNT"), key_func=login_account, methods=["POST"], deduct_when=failed_login
)
def login():
    """Sign in with a username or an e-mail address, then go back to the page that asked for it."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    next_page = request.args.get("next")
    if not is_safe_next(next_page):
        next_page = None
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is None:
            mark_failed_login()
            flash(_("Invalid username or password"), "danger")
            return redirect(url_for("auth.login", next=next_page))
        if user.is_suspended:
            flash(_("This account is suspended. Contact the site's admins if you think this is a mistake."), "danger")
            return redirect(url_for("auth.login", next=next_page))
        sign_in(user, remember=form.remember_me.data)
        return redirect(next_page or url_for("main.index"))
    return render_template("auth/login.html", title=_("Sign In"), form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (a POST from the navbar form, so a stray link cannot do it); forgets "remember me"."""
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout_everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """Sign out on every device: every session and "remember me" cookie stops working."""
    if not LogoutEverywhereForm().validate_on_submit():
        abort(400)
    accounts.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You have signed out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(setting("RATELIMIT_REGISTER"), methods=["POST"])
def register():
    """Create an account and sign in with it."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if form.validate_on_submit() and (
        user := save_account(form, accounts.register, form.username.data, form.email.data, form.password.data)
    ):
        sign_in(user)
        flash(_("Welcome to Microblog, %(username)s! Your account is ready.", username=user.username), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/register.html", title=_("Register"), form=form)


@bp.route("/reset_password_request", methods=["GET", "POST"])
@limiter.limit(setting("RATELIMIT_RESET_PER_ADDRESS"), methods=["POST"])
@limiter.limit(setting("RATELIMIT_RESET_PER_EMAIL"), key_func=reset_email, methods=["POST"])
def reset_password_request():
    """Ask for a password reset link by e-mail."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = ResetPasswordRequestForm()
    if form.validate_on_submit():
        user = User.find_by_email(form.email.data.strip())
        if user is not None:
            send_password_reset_email(user)
            db.session.commit()  # the mail leaves once the commit is through (app/outbox.py)
        # The same answer either way, so the form does not reveal who has an account.
        flash(_("Check your email for the instructions to reset your password"), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password_request.html", title=_("Reset Password"), form=form)


@bp.route("/reset_password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from an e-mailed link."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    user = User.verify_reset_password_token(token)
    if user is None:
        flash(_("This password reset link is invalid or has expired. Please request a new one."), "warning")
        return redirect(url_for("auth.reset_password_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit() and save_account(
        form, accounts.reset_password, user, form.password.data, default_field="password"
    ):
        flash(_("Your password has been reset."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", title=_("Reset Password"), form=form)


@bp.route("/change_password", methods=["GET", "POST"])
@login_required
def change_password():
    """Choose a new password, confirming the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit() and save_account(
        form, accounts.change_password, current_user, form.current_password.data, form.password.data,
        default_field="password",
    ):
        # This session goes on under the new session version; every other one has ended.
        sign_in(current_user._get_current_object())
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("main.edit_profile"))
    return render_template(
        "auth/change_password.html", title=_("Change Password"), form=form, logout_form=LogoutEverywhereForm()
    )
