"""Which language pages are shown in, and choosing one."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db, mail
from app.models import User

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]*)">', page)
    assert match, "no <html lang> on the page"
    return match.group(1)


def test_pages_render_in_spanish_for_accept_language_es(client):
    page = client.get("/auth/login", headers=SPANISH).get_data(as_text=True)
    assert html_lang(page) == "es"
    assert "<title>Iniciar sesión · Microblog</title>" in page
    assert "Nombre de usuario" in page and "Contraseña" in page and "Recordarme" in page
    assert "¿Olvidaste tu contraseña?" in page
    assert "Sign In" not in page and "Username" not in page
    # moment.js gets its Spanish words, served by the app.
    assert '<script src="/static/vendor/moment/locale/es.js"></script>' in page
    with client.get("/static/vendor/moment/locale/es.js") as script:
        assert script.status_code == 200 and b"defineLocale('es'" in script.data


def test_pages_render_in_german_for_accept_language_de(client):
    page = client.get("/auth/register", headers=GERMAN).get_data(as_text=True)
    assert html_lang(page) == "de"
    assert "Passwort wiederholen" in page and "Registrieren" in page
    assert "/static/vendor/moment/locale/de.js" in page


@pytest.mark.parametrize("header", [None, "fr-FR,fr;q=0.9", "*"])
def test_anything_else_gets_english(client, header):
    page = client.get("/auth/login", headers={"Accept-Language": header} if header else {}).get_data(as_text=True)
    assert html_lang(page) == "en"
    assert "Sign In" in page
    assert "vendor/moment/locale/" not in page  # English is built into moment.js


def test_the_saved_preference_overrides_the_browser(client, john):
    john.locale = "de"
    db.session.commit()
    page = client.get("/index", headers=SPANISH).get_data(as_text=True)
    assert html_lang(page) == "de"
    assert "Hallo, john!" in page and "Was gibt’s Neues?" in page and "Entdecken" in page


def test_without_a_saved_preference_the_browser_decides(client, john):
    page = client.get("/index", headers=SPANISH).get_data(as_text=True)
    assert html_lang(page) == "es"
    assert "¡Hola, john!" in page and "¿Qué estás pensando?" in page


def test_validator_messages_follow_the_language(client):
    data = {"username": "", "email": "not-an-address", "password": "short", "password2": "other"}
    page = client.post("/auth/register", data=data, headers=SPANISH).get_data(as_text=True)
    assert "Este campo es obligatorio." in page  # WTForms' own catalog
    assert "Email inválido." in page
    assert "El campo debe tener entre 8 y 256 caracteres." in page
    assert "Las dos contraseñas no coinciden." in page  # ours
    assert "This field is required." not in page


def test_flashed_messages_follow_the_language(client):
    page = client.get("/index", headers=GERMAN, follow_redirects=True).get_data(as_text=True)
    assert "Bitte melde dich an, um diese Seite zu sehen." in page


def test_error_pages_follow_the_language(client):
    response = client.get("/no/such/page", headers=SPANISH)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Página no encontrada" in page and "No hay nada en esta dirección." in page


def test_profile_counts_use_plural_forms(client, john, make_user, make_post):
    susan = make_user("susan")
    make_post(susan, "uno")
    make_post(susan, "dos")
    john.follow(susan)
    db.session.commit()
    page = client.get("/user/susan", headers=SPANISH).get_data(as_text=True)
    assert '<strong>2</strong> <span class="text-muted me-3">publicaciones</span>' in page
    assert '<strong>1</strong> <span class="text-muted me-3">seguidor</span>' in page
    assert '<strong>0</strong> <span class="text-muted">siguiendo</span>' in page


# -- the footer's picker -------------------------------------------------------------


def test_the_footer_offers_every_language_in_its_own_name(client):
    page = client.get("/auth/login?next=%2Fexplore", headers=SPANISH).get_data(as_text=True)
    picker = re.search(r'<form class="language-picker.*?</form>', page, re.S).group(0)
    assert 'action="/language"' in picker and 'name="csrf_token"' in picker
    assert '<input type="hidden" name="next" value="/auth/login?next=%2Fexplore">' in picker
    assert re.findall(r'value="(\w\w)" lang="\w\w"[^>]*>([^<]+)</button>', picker) == [
        ("en", "English"), ("es", "Español"), ("de", "Deutsch")]
    assert re.search(r'value="es"[^>]*aria-current="true"', picker)
    assert "Idioma:" in picker


def test_an_anonymous_visitor_picks_a_language_and_it_is_remembered(client):
    response = client.post("/language", data={"language": "de", "next": "/auth/register"}, headers=SPANISH)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/register"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("language=de;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie
    # The cookie beats the browser's header on every later page.
    page = client.get("/auth/register", headers=SPANISH).get_data(as_text=True)
    assert html_lang(page) == "de" and "Passwort wiederholen" in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "", None])
def test_the_picker_only_goes_back_to_pages_of_this_site(client, target):
    data = {"language": "es"} if target is None else {"language": "es", "next": target}
    response = client.post("/language", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/index"


def test_the_picker_refuses_languages_not_offered(client):
    response = client.post("/language", data={"language": "fr", "next": "/auth/login"})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers or "language=" not in response.headers["Set-Cookie"]


def test_the_picker_needs_a_csrf_token(client):
    response = client.post("/language", data={"language": "de"}, csrf=False)
    assert response.status_code == 400
    assert client.get_cookie("language") is None


def test_a_signed_in_person_picking_in_the_footer_saves_it(client, john):
    client.post("/language", data={"language": "es", "next": "/index"})
    assert db.session.scalar(sa.select(User.locale).where(User.id == john.id)) == "es"
    assert html_lang(client.get("/index", headers=GERMAN).get_data(as_text=True)) == "es"


# -- /edit_profile -------------------------------------------------------------------


def test_edit_profile_offers_the_languages(client, john):
    page = client.get("/edit_profile").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="language".*?</select>', page, re.S).group(0)
    assert re.findall(r'<option[^>]*value="([^"]*)"', select) == ["", "en", "es", "de"]
    assert re.search(r'<option selected value="">|<option value="" selected>', select)


def test_saving_a_language_on_edit_profile_switches_the_site(client, john):
    response = client.post("/edit_profile", data={"username": "john", "about_me": "", "language": "es"},
                           headers=GERMAN)
    assert response.headers["Location"] == "/edit_profile"
    assert db.session.scalar(sa.select(User.locale).where(User.id == john.id)) == "es"
    page = client.get("/edit_profile", headers=GERMAN).get_data(as_text=True)
    assert html_lang(page) == "es"
    assert "Tus cambios se han guardado." in page  # said in the language just chosen
    assert re.search(r'<option selected value="es">|<option value="es" selected>', page)


def test_choosing_the_browsers_language_clears_the_preference(client, john):
    john.locale = "de"
    db.session.commit()
    client.post("/edit_profile", data={"username": "john", "about_me": "", "language": ""})
    assert db.session.scalar(sa.select(User.locale).where(User.id == john.id)) is None
    assert html_lang(client.get("/index", headers=SPANISH).get_data(as_text=True)) == "es"


def test_edit_profile_refuses_a_language_not_offered(client, john):
    page = client.post("/edit_profile", data={"username": "john", "about_me": "", "language": "fr"}).get_data(
        as_text=True)
    assert "Not a valid choice." in page
    assert db.session.scalar(sa.select(User.locale).where(User.id == john.id)) is None


def test_edit_profile_without_the_field_keeps_the_language(client, john):
    john.locale = "de"
    db.session.commit()
    client.post("/edit_profile", data={"username": "john", "about_me": "Hallo"})
    assert db.session.scalar(sa.select(User.locale).where(User.id == john.id)) == "de"


# -- e-mail --------------------------------------------------------------------------


def test_the_reset_mail_is_in_the_recipients_language(client, make_user):
    make_user("john", locale="de")
    make_user("maria")
    with mail.record_messages() as outbox:
        client.post("/auth/reset_password_request", data={"email": "john@example.com"})
        client.post("/auth/reset_password_request", data={"email": "maria@example.com"}, headers=SPANISH)
    german, spanish = outbox
    assert german.subject == "[Microblog] Setze dein Passwort zurück"
    assert "Hallo john," in german.body and "klicke auf den folgenden Link" in german.body
    assert '<html lang="de">' in german.html
    # No saved language: the language of the page the request came from.
    assert spanish.subject == "[Microblog] Restablece tu contraseña"
    assert "Hola, maria:" in spanish.body
