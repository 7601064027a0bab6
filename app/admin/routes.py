"""The report queue: open reports newest first, and an admin's three answers to one."""

import functools

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

from .. import moderation
from ..extensions import db
from ..main.forms import EmptyForm
from ..models import Report
from ..pagination import keyset_page
from ..web import MAX_QUERY_INT, query_int
from . import bp


def admin_required(view):
    """Signed in (else the login page) and an admin (else 403)."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, description=_("Only the site's admins can see this page."))
        return view(*args, **kwargs)

    return wrapper


@bp.route("/reports")
@admin_required
def reports():
    """Open reports, newest first, paged by keyset (``?before=<report id>``)."""
    per_page = current_app.config["REPORTS_PER_PAGE"]
    page = keyset_page(Report.open_select(), Report.id, per_page, before=query_int("before", minimum=1))
    next_before = page.items[-1].id if page.has_more else None
    return render_template("admin/reports.html", title=_("Reports"), reports=page.items, next_before=next_before,
                           form=EmptyForm())


@bp.route("/reports/<int:report_id>/dismiss", methods=["POST"])
@admin_required
def dismiss(report_id: int):
    """Close a report with nothing done."""
    report = checked_report(report_id)
    if moderation.dismiss(current_user, report):
        db.session.commit()
    flash(_("The report was dismissed."), "success")
    return back_to_queue()


@bp.route("/reports/<int:report_id>/remove_post", methods=["POST"])
@admin_required
def remove_post(report_id: int):
    """Delete the reported post (its reports go with it)."""
    report = checked_report(report_id)
    if report.post is None:
        abort(400, description=_("This report is about a person, not a post."))
    moderation.remove_post(current_user, report.post)
    db.session.commit()
    flash(_("The post was removed."), "success")
    return back_to_queue()


@bp.route("/reports/<int:report_id>/suspend", methods=["POST"])
@admin_required
def suspend(report_id: int):
    """Suspend the reported person: signed out everywhere, and no way back in; their open reports close."""
    report = checked_report(report_id)
    if report.user_id == current_user.id:
        abort(400, description=_("You cannot suspend yourself."))
    user = report.user
    moderation.suspend(current_user, user)
    db.session.commit()
    flash(_("%(username)s is suspended.", username=user.username), "success")
    return back_to_queue()


def checked_report(report_id: int) -> Report:
    """The open report a form names, after its CSRF token; 404 when closed or unknown."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    report = moderation.open_report(report_id) if report_id <= MAX_QUERY_INT else None
    if report is None:
        abort(404, description=_("This report is closed already."))
    return report


def back_to_queue():
    """Back to the same page of the queue."""
    before = request.form.get("before", "")
    if before.isascii() and before.isdigit() and len(before) <= 10:
        return redirect(url_for("admin.reports", before=before))
    return redirect(url_for("admin.reports"))
