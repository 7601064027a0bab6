"""Reporting a post or a person to the site's admins."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Post, Report, ReportRefused
from ..web import MAX_QUERY_INT
from . import bp
from .forms import ReportForm
from .helpers import find_user_or_404


@bp.route("/user/<username>/report", methods=["GET", "POST"])
@login_required
def report_user(username: str):
    """Report a person: a reason and, if you like, a few words."""
    user = find_user_or_404(username)
    if user.id == current_user.id:
        flash(_("You cannot report yourself."), "warning")
        return redirect(url_for("main.user", username=user.username))
    return report_form(user, None, url_for("main.user", username=user.username))


@bp.route("/post/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int):
    """Report a post: a reason and, if you like, a few words."""
    if post_id > MAX_QUERY_INT:  # no post has an id beyond the integer column
        abort(404)
    post = db.get_or_404(Post, post_id)
    if post.user_id == current_user.id:
        flash(_("You cannot report your own post."), "warning")
        return redirect(url_for("main.user", username=current_user.username))
    return report_form(post.author, post, url_for("main.user", username=post.author.username))


def report_form(user, post: Post | None, back: str):
    """Show the form, or file the report (one open report per reporter and target) and go back."""
    form = ReportForm()
    if form.validate_on_submit():
        try:
            filed = Report.file(current_user, user, form.reason.data, form.text.data,
                                post_id=post.id if post is not None else None)
        except ReportRefused as refusal:
            form.reason.errors = [*form.reason.errors, str(refusal)]
        else:
            db.session.commit()
            if filed:
                flash(_("Thank you. The admins will look at your report."), "success")
            else:
                flash(_("You have reported this already; the admins will look at it."), "info")
            return redirect(back)
    title = _("Report a post by %(username)s", username=user.username) if post else \
        _("Report %(username)s", username=user.username)
    return render_template("main/report.html", title=title, form=form, user=user, post=post, back=back)
