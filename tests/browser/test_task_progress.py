"""The progress alert of background tasks, on every page, from the notifications."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.jobs import launch_task
from app.models import Post, Task, User
from tests.browser.test_messages_journey import create_people, log_in, watch_for_errors
from tests.integration import task_jobs


def test_a_running_task_shows_its_progress_then_its_failure_and_an_export_completes(live_server, new_page):
    base = live_server.url
    create_people(live_server, "tara")
    page = new_page()
    errors = watch_for_errors(page)
    log_in(page, base, "tara")

    task_jobs.RELEASE.clear()
    with live_server.app.app_context():
        tara = User.find_by_username("tara")
        launch_task(tara, "hold", "Holding on", function="tests.integration.task_jobs.hold")
        db.session.commit()
    page.goto(f"{base}/explore")  # any page
    alert = page.locator("#task-alerts .alert")
    expect(alert).to_have_text("Holding on 30%")
    live_server.screenshot(page, "task-progress")

    task_jobs.RELEASE.set()  # the job fails
    live_server.app.extensions["task_queue"].join()
    task_jobs.RELEASE.clear()  # for the next test that holds a job
    expect(alert).to_have_text("Holding on failed: An unexpected error stopped it.")
    expect(alert).to_have_class(re.compile(r"alert-danger"))
    live_server.screenshot(page, "task-failed")
    alert.locator(".btn-close").click()
    expect(alert).to_have_count(0)
    with page.expect_response(lambda response: "/notifications?after=0" in response.url):
        page.reload()  # the first poll brings the failure back, and it stays dismissed
    with page.expect_response(lambda response: "/notifications?after=" in response.url):
        pass  # the next poll starts once the first one's answer was handled
    expect(alert).to_have_count(0)  # dismissed stays dismissed

    with live_server.app.app_context():
        for n in range(3):
            Post.publish(User.find_by_username("tara"), f"tara's post {n}")
        db.session.commit()
    page.goto(f"{base}/user/tara")
    page.get_by_role("button", name="Export your posts").click()
    expect(page.locator(".alert-info").first).to_contain_text("Your posts are being exported.")
    live_server.screenshot(page, "export-started")
    live_server.app.extensions["task_queue"].join()  # the in-process worker ran the export
    with live_server.app.app_context():
        export = db.session.scalars(sa.select(Task).where(Task.name == "export_posts")).one()
        assert (export.complete, export.failed, export.get_result()) == (True, False, {"posts": 3})
    with page.expect_response(lambda response: "/notifications?after=" in response.url):
        pass
    with page.expect_response(lambda response: "/notifications?after=" in response.url):
        pass  # the 100 % has been handled
    expect(alert).to_have_count(0)
    assert errors == []
