"""Two people talk under a post: one replies from the post page, the other follows the thread,
the first deletes the reply after confirming, and the tag and mention links lead where they say."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import watch_for_errors
from tests.browser.test_core_journey import register_and_login


def test_reply_follow_the_thread_and_delete(live_server, new_page):
    base = live_server.url
    rhea, theo = new_page(), new_page()
    errors = watch_for_errors(rhea) + watch_for_errors(theo)
    register_and_login(theo, base, "theo")
    register_and_login(rhea, base, "rhea")

    rhea.fill("textarea[name=post]", "Who else drinks #Tea at 4? @theo <i>not italic</i>")
    rhea.click("input[type=submit]")
    expect(rhea.locator(".alert")).to_contain_text("Your post is now live!")
    body = rhea.locator(".post-body").first
    expect(body).to_have_text("Who else drinks #Tea at 4? @theo <i>not italic</i>")
    expect(body.locator("a.mention")).to_have_attribute("href", "/user/theo")
    expect(body.locator("a.hashtag")).to_have_attribute("href", "/tag/tea")
    expect(body.locator("i")).to_have_count(0)

    # theo finds the post on Explore and opens its page by its time.
    theo.goto(f"{base}/explore")
    post = theo.locator("article.post", has_text="Who else drinks")
    post.locator("a.post-permalink").click()
    expect(theo).to_have_url(re.compile(r"/post/\d+$"))
    parent_url = theo.url
    expect(theo.locator("#reply")).to_have_text("0 replies")

    # The reply lands under the post.
    theo.fill("#reply-form textarea[name=post]", "Me! Earl Grey, always.")
    theo.click("#reply-form input[type=submit][value=Reply]")
    expect(theo.locator(".alert")).to_contain_text("Your reply is now live!")
    expect(theo).to_have_url(re.compile(r"/post/\d+#post\d+$"))
    expect(theo.locator("#reply")).to_have_text("1 reply")
    reply = theo.locator(".replies article.post")
    expect(reply).to_have_count(1)
    expect(reply.locator(".post-context")).to_contain_text("Replying to @rhea")

    # rhea sees the reply on her post's page, and its count in her feed.
    rhea.goto(f"{base}/index")
    expect(rhea.locator("article.post", has_text="Who else drinks").locator(".post-action-count")).to_have_text("1")
    rhea.goto(parent_url)
    expect(rhea.locator(".replies .post-body")).to_have_text(["Me! Earl Grey, always."])

    # theo opens his reply's page: the conversation above it is rhea's post.
    reply.locator("a.post-permalink").click()
    expect(theo.locator(".thread-above .post-body")).to_have_text([re.compile("Who else drinks")])
    # Deleting asks first; cancelling changes nothing.
    theo.click("a.post-action-danger")
    expect(theo.locator("h1")).to_have_text("Delete post")
    theo.click("a:has-text('Cancel')")
    expect(theo.locator(".thread-focus .post-body")).to_have_text("Me! Earl Grey, always.")
    theo.click("a.post-action-danger")
    theo.click("button:has-text('Delete post')")
    expect(theo.locator(".alert")).to_contain_text("Your post has been deleted.")
    expect(theo).to_have_url(parent_url)
    expect(theo.locator("#reply")).to_have_text("0 replies")
    expect(theo.locator(".replies")).to_have_count(0)

    # The tag leads to the tag's timeline.
    theo.click(".thread-focus a.hashtag")
    expect(theo.locator("h1")).to_have_text("#tea")
    expect(theo.locator(".post-body")).to_have_count(1)
    assert errors == [], errors
