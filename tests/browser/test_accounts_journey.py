"""A newcomer reads the rules before registering, is signed in at once, changes the password
and signs in again with the e-mail address."""

from playwright.sync_api import expect


def test_register_change_password_and_sign_in_by_email(live_server, new_page):
    base, page = live_server.url, new_page()
    page.goto(f"{base}/auth/register")
    # The rules are shown before anything is typed.
    form = page.locator("main form")
    expect(form).to_contain_text("3 to 64 characters: the letters a to z, digits, dots, dashes and underscores.")
    expect(form).to_contain_text("At least 8 characters.")
    live_server.screenshot(page, "register")
    page.fill("input[name=username]", "carla")
    page.fill("input[name=email]", "carla@example.com")
    page.fill("input[name=password]", "a good password")
    page.fill("input[name=password2]", "a good password")
    page.click("input[type=submit]")
    expect(page.locator(".alert")).to_contain_text("Welcome to Microblog, carla! Your account is ready.")
    expect(page.locator("h1")).to_have_text("Hi, carla!")

    page.goto(f"{base}/edit_profile")
    page.click("text=Change your password")
    page.fill("input[name=current_password]", "not my password")
    page.fill("input[name=password]", "my new password")
    page.fill("input[name=password2]", "my new password")
    page.click("input[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text("Your current password is not right.")
    live_server.screenshot(page, "change-password-error")
    page.fill("input[name=current_password]", "a good password")
    page.fill("input[name=password]", "my new password")
    page.fill("input[name=password2]", "my new password")
    page.click("input[type=submit]")
    expect(page.locator(".alert")).to_contain_text("Your password has been changed.")

    page.click("nav button:has-text('Logout')")
    page.fill("input[name=username]", "Carla@Example.com")
    page.fill("input[name=password]", "my new password")
    page.click("input[type=submit]")
    expect(page.locator("h1")).to_have_text("Hi, carla!")
