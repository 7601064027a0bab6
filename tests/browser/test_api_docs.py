"""The API reference at /api/docs renders the served document with nothing from the internet."""

from urllib.parse import urlsplit


def test_the_api_reference_renders_offline(live_server, new_page):
    page = new_page()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https")
            and not request.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/api/docs")
    page.locator("h1", has_text="Microblog API").wait_for()
    menu = page.locator("[role=menuitem], li").all_inner_texts()
    for tag in ["Tokens", "Users", "Posts", "Messages", "Rooms", "Tasks", "System"]:
        assert any(tag in text for text in menu), tag
    page.get_by_text("Get a bearer token with your username").first.wait_for(state="attached")
    live_server.screenshot(page, "api-docs")
    assert outside == []
