"""In Chromium: the security headers hold, no page breaks the Content-Security-Policy, and no
page of the site can be framed, so its buttons cannot be clickjacked (same origin included)."""

from playwright.sync_api import expect

from tests.browser.test_core_journey import register_and_login


def collect_policy_violations(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def test_pages_send_the_headers_and_break_no_policy(live_server, new_page):
    base = live_server.url
    page = new_page()
    violations = collect_policy_violations(page)
    register_and_login(page, base, "hedda")
    page.fill("textarea[name=post]", "A post to hover over")
    page.click("input[type=submit]")
    for path in ("/index", "/explore", "/user/hedda", "/messages", "/edit_profile", "/auth/change_password"):
        response = page.goto(base + path)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin" and "no-store" in headers["cache-control"]
    page.goto(base + "/index")
    page.hover(".user-popup")  # the popover: scripts and styles from static files only
    expect(page.locator(".popover")).to_be_visible()
    live_server.screenshot(page, "security-headers-index")
    # An inline script, were one ever rendered, would not run.
    page.evaluate("""() => { const s = document.createElement('script');
                            s.textContent = 'window.inlineRan = true'; document.body.append(s); }""")
    assert page.evaluate("() => window.inlineRan === undefined")
    assert violations and all("script" in text for text in violations)  # only the one just refused


def test_the_follow_button_cannot_be_clickjacked_from_the_same_site(live_server, new_page):
    base = live_server.url
    register_and_login(new_page(), base, "ivo")
    victim = new_page()
    register_and_login(victim, base, "jules")
    # A page on the site's own origin (say, an uploaded file) that frames ivo's profile under a decoy.
    attacker = f"{base}/static/decoy.html"
    victim.route(attacker, lambda route: route.fulfill(
        content_type="text/html",
        body=f'<p>Win a prize!</p><iframe id="target" src="{base}/user/ivo" width="800" height="600"></iframe>'))
    victim.goto(attacker)
    frame = victim.frame_locator("#target")
    expect(frame.locator("button:has-text('Follow')")).to_have_count(0)
    live_server.screenshot(victim, "security-clickjacking-refused")
    victim.goto(f"{base}/user/ivo")  # the button itself works when not framed
    expect(victim.locator("button:has-text('Follow')")).to_be_visible()
