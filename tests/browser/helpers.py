"""Steps the browser tests share."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD


def log_in(page, base_url: str, username: str) -> None:
    """Sign in through the form and land on the home feed."""
    page.goto(f"{base_url}/auth/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("h1")).to_have_text(f"Hi, {username}!")


def watch_for_errors(page) -> list[str]:
    """Collect script errors and console errors (a Content-Security-Policy refusal is one)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors
