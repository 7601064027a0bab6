"""A German and a Spanish speaker: the site in each one's language, and a post translated in place."""

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import PostTranslation
from tests.fake_translation import assert_documented_request

GERMAN_POST = "Guten Morgen, wie geht es euch allen heute?"
SPANISH_TRANSLATION = "Buenos días, ¿cómo estáis todos hoy?"
FAILING_POST = "Dieser Beitrag bringt den Übersetzungsdienst leider zum Absturz."
SPANISH_POST = "Hoy hace un día precioso en Madrid, ¿verdad?"
PASSWORD = "ein gutes Passwort"


def register_and_login(page, base_url: str, username: str, registered: str, greeting: str) -> None:
    page.goto(f"{base_url}/auth/register")
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", f"{username}@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("input[type=submit]")  # registering signs you in
    expect(page.locator(".alert")).to_contain_text(registered)
    expect(page.locator("h1")).to_have_text(greeting)


def test_an_anonymous_visitor_switches_language_in_the_footer(live_server, new_page):
    page = new_page(locale="en-US")
    page.goto(f"{live_server.url}/auth/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Sign In")
    page.click("footer button:has-text('Deutsch')")
    expect(page).to_have_url(f"{live_server.url}/auth/login")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_have_text("Anmelden")
    expect(page.locator("footer button[aria-current=true]")).to_have_text("Deutsch")
    page.goto(f"{live_server.url}/auth/register")  # remembered on the next page
    expect(page.locator("label[for=password2]")).to_have_text("Passwort wiederholen")


def test_a_spanish_reader_translates_a_german_post_in_place(live_server, live_translator, new_page):
    base = live_server.url
    live_translator.phrases[("de", "es", GERMAN_POST)] = SPANISH_TRANSLATION
    live_translator.failing_texts.add(FAILING_POST)

    klaus = new_page(locale="de-DE")
    register_and_login(klaus, base, "klaus", "Willkommen bei Microblog, klaus! Dein Konto ist bereit.", "Hallo, klaus!")
    for body in (FAILING_POST, GERMAN_POST):
        klaus.fill("textarea[name=post]", body)
        klaus.click("input[type=submit]")
        expect(klaus.locator(".alert")).to_contain_text("Dein Beitrag ist jetzt online!")
    expect(klaus.locator(".post .translate-link")).to_have_count(0)  # his own language: nothing to translate

    lucia = new_page(locale="es-ES")
    register_and_login(lucia, base, "lucia", "¡Te damos la bienvenida a Microblog, lucia! Tu cuenta está lista.",
                       "¡Hola, lucia!")
    lucia.fill("textarea[name=post]", SPANISH_POST)
    lucia.click("input[type=submit]")
    expect(lucia.locator(".alert")).to_contain_text("¡Tu publicación ya está en línea!")
    expect(lucia.locator("html")).to_have_attribute("lang", "es")
    expect(lucia.locator(".post .flask-moment")).to_have_count(0)
    expect(lucia.locator(".post .post-time").first).to_contain_text("hace unos segundos")
    live_server.screenshot(lucia, "i18n-home-spanish")

    lucia.click("a.nav-link:has-text('Explorar')")
    lucia.wait_for_url(f"{base}/explore")  # and for its scripts, so the link is handled
    german = lucia.locator("article.post", has_text=GERMAN_POST)
    failing = lucia.locator("article.post", has_text=FAILING_POST)
    expect(german.locator(".translate-link")).to_have_text("Traducir")
    german.locator(".translate-link").click()
    expect(german.locator(".post-translation .translated")).to_have_text(SPANISH_TRANSLATION)
    expect(german.locator(".post-translation .translated")).to_have_attribute("lang", "es")
    expect(german.locator(".translate-link")).to_have_count(0)
    expect(german.locator(".post-body")).to_have_text(GERMAN_POST)  # the original stays

    failing.locator(".translate-link").click()
    expect(failing.locator(".translation-failed")).to_have_text(
        "Lo sentimos, la traducción ha fallado. Vuelve a intentarlo más tarde.")
    expect(lucia.locator("nav.app-nav")).to_be_visible()  # the page itself is untouched
    live_server.screenshot(lucia, "i18n-translated-post")

    translated = [r for r in live_translator.requests if r.body == [{"Text": GERMAN_POST}]]
    assert len(translated) == 1
    assert_documented_request(live_translator, translated[0], GERMAN_POST, "de", "es")
    with live_server.app.app_context():
        rows = db.session.execute(sa.select(PostTranslation.language, PostTranslation.body)).all()
    assert [tuple(row) for row in rows] == [("es", SPANISH_TRANSLATION)]

    # Reloaded, the link is back and the second translation comes from the cache.
    lucia.reload()
    german.locator(".translate-link").click()
    expect(german.locator(".post-translation .translated")).to_have_text(SPANISH_TRANSLATION)
    assert len([r for r in live_translator.requests if r.body == [{"Text": GERMAN_POST}]]) == 1
