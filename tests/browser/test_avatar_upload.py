"""A person uploads a picture on Edit Profile, sees it there and on their profile, and removes it;
a file over the limit is refused before it is sent. Screenshots of both pages, light and dark."""

import uuid

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from app.extensions import db
from app.models import User
from tests.browser.helpers import log_in, watch_for_errors
from tests.browser.test_interface import SCREENSHOTS, open_page, serious_accessibility_problems, settle
from tests.conftest import PASSWORD


@pytest.fixture
def person(live_server, tmp_path):
    from werkzeug.security import generate_password_hash

    live_server.app.config["AVATAR_DIR"] = str(tmp_path / "avatars")
    name = f"ines{uuid.uuid4().hex[:6]}"
    with live_server.app.app_context():
        db.session.add(User(username=name, email=f"{name}@example.com", password_hash=generate_password_hash(PASSWORD),
                            about_me="Photographer in Porto. Tiles, trams and the Douro at dusk."))
        db.session.commit()
    return name


def a_photo(path) -> str:
    """A landscape JPEG: sky, sun and a hill, so the centre crop is visible."""
    image = Image.new("RGB", (900, 600), (125, 180, 225))
    draw = ImageDraw.Draw(image)
    draw.ellipse((390, 140, 510, 260), fill=(250, 205, 80))
    draw.polygon([(0, 600), (0, 420), (300, 330), (600, 400), (900, 300), (900, 600)], fill=(70, 130, 80))
    image.save(path, "JPEG", quality=90)
    return str(path)


@pytest.mark.parametrize(("size", "mode"), [("desktop", "light"), ("phone", "dark")])
def test_upload_see_and_remove_a_picture(live_server, new_page, person, tmp_path, size, mode):
    page = open_page(new_page, size, mode)
    errors = watch_for_errors(page)
    log_in(page, live_server.url, person)
    page.goto(f"{live_server.url}/edit_profile")
    expect(page.locator(".avatar-preview")).to_have_attribute("src", f"/avatar/{user_id(live_server, person)}?s=128")

    page.set_input_files("input[name=picture]", a_photo(tmp_path / "porto.jpg"))
    page.click("text=Upload picture")
    expect(page.locator(".alert")).to_contain_text("Your picture is being processed")
    for _ in range(50):  # the in-process worker makes the sizes; the page shows them once done
        if page.locator("text=This is the picture you uploaded.").count():
            break
        page.wait_for_timeout(200)
        page.reload()
    preview = page.locator(".avatar-preview")
    picture_url = preview.get_attribute("src")
    assert picture_url.endswith("/128.webp")
    assert page.evaluate("img => img.complete && img.naturalWidth", preview.element_handle()) == 128
    settle(page)
    assert serious_accessibility_problems(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"edit-profile-picture-{size}-{mode}.png"), full_page=True)

    page.goto(f"{live_server.url}/user/{person}")
    profile_picture = page.locator(".profile-avatar")
    expect(profile_picture).to_have_attribute("src", picture_url)
    assert page.evaluate("img => img.complete && img.naturalWidth", profile_picture.element_handle()) == 128
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / f"profile-picture-{size}-{mode}.png"))

    page.goto(f"{live_server.url}/edit_profile")
    page.click("text=Remove picture")
    expect(page.locator(".alert")).to_contain_text("Your picture has been removed.")
    expect(page.locator(".avatar-preview")).to_have_attribute("src", f"/avatar/{user_id(live_server, person)}?s=128")
    assert errors == []


def test_a_file_over_the_limit_is_refused_before_it_is_sent(live_server, new_page, person, tmp_path, monkeypatch):
    monkeypatch.setitem(live_server.app.config, "AVATAR_MAX_BYTES", 50_000)
    page = open_page(new_page, "desktop", "light")
    log_in(page, live_server.url, person)
    page.goto(f"{live_server.url}/edit_profile")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    big = tmp_path / "big.jpg"
    Image.effect_noise((600, 400), 60).convert("RGB").save(big, "JPEG", quality=95)
    assert big.stat().st_size > 50_000
    page.set_input_files("input[name=picture]", str(big))
    error = page.locator(".avatar-size-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("The picture is larger than 0.05 MB.")  # the server's words
    expect(page.locator("text=Upload picture")).to_be_disabled()
    assert sent == []


def user_id(live_server, username: str) -> int:
    with live_server.app.app_context():
        return User.find_by_username(username).id
