"""POST /translate and the Translate link, against local servers that speak each provider's API."""

import re
import socket
import time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post, PostTranslation
from tests.fake_translation import assert_documented_request, fake_service

SPANISH_TEXT = "Hola a todos, ¿cómo estáis hoy? Me voy a la playa."
GERMAN_TEXT = "Guten Morgen, wie geht es euch allen heute?"
ENGLISH_TEXT = "Good morning everyone, how are you all today?"


@pytest.fixture(params=["microsoft", "libretranslate"])
def provider(request, app):
    """Each provider in turn, on a local port, configured as the app's translator."""
    with fake_service(request.param) as service:
        service.configure(app.config)
        yield service


@pytest.fixture
def susan(make_user):
    return make_user("susan")


def translate(client, payload, csrf: bool = True, **headers):
    if csrf:
        headers["X-CSRFToken"] = client.csrf_token()
    return client.post("/translate", json=payload, headers={"Accept": "application/json", **headers})


def cached_rows() -> list[tuple]:
    query = sa.select(PostTranslation.post_id, PostTranslation.language, PostTranslation.body, PostTranslation.provider)
    return [tuple(row) for row in db.session.execute(query.order_by(PostTranslation.post_id))]


# -- publishing notes the language --------------------------------------------------


def test_posting_stores_the_detected_language(client, john):
    for body in (SPANISH_TEXT, GERMAN_TEXT, "ok"):
        client.post("/index", data={"post": body})
    languages = dict(db.session.execute(sa.select(Post.body, Post.language)).all())
    assert languages == {SPANISH_TEXT: "es", GERMAN_TEXT: "de", "ok": None}


# -- the link ------------------------------------------------------------------------


def translate_links(page: str) -> dict[int, dict[str, str]]:
    links = {}
    for match in re.finditer(r'<a href="#" class="translate-link"(.*?)>(.*?)</a>', page, re.S):
        attributes = dict(re.findall(r'data-([\w-]+)="([^"]*)"', match.group(1)))
        links[int(attributes["post-id"])] = {**attributes, "label": match.group(2)}
    return links


def test_the_link_is_offered_for_posts_in_another_language(client, provider, john, susan, make_post):
    spanish, english, unknown = make_post(susan, SPANISH_TEXT), make_post(susan, ENGLISH_TEXT), make_post(susan, "ok")
    page = client.get("/explore").get_data(as_text=True)
    links = translate_links(page)
    assert list(links) == [spanish.id]
    assert links[spanish.id] == {
        "url": "/translate", "post-id": str(spanish.id), "source-language": "es", "dest-language": "en",
        "working": "Translating…", "failed": "Sorry, the translation failed. Please try again later.",
        "label": "Translate",
    }
    assert f'<div class="post-body" id="post{english.id}" lang="en">' in page
    assert f'id="translation{unknown.id}"' not in page
    assert '<script src="/static/js/translate.js"></script>' in page


def test_the_link_speaks_the_readers_language(client, provider, john, susan, make_post):
    john.locale = "es"
    db.session.commit()
    spanish, german = make_post(susan, SPANISH_TEXT), make_post(susan, GERMAN_TEXT)
    links = translate_links(client.get(f"/user/{susan.username}").get_data(as_text=True))
    assert list(links) == [german.id]  # Spanish readers need no translation of Spanish
    assert spanish.id not in links
    assert links[german.id]["label"] == "Traducir"
    assert links[german.id]["dest-language"] == "es"
    assert links[german.id]["working"] == "Traduciendo…"
    assert links[german.id]["failed"] == "Lo sentimos, la traducción ha fallado. Vuelve a intentarlo más tarde."


def test_no_link_without_a_provider(client, john, susan, make_post):
    make_post(susan, SPANISH_TEXT)
    page = client.get("/explore").get_data(as_text=True)
    assert SPANISH_TEXT in page and "translate-link" not in page


# -- POST /translate -----------------------------------------------------------------


def test_translate_a_post_through_the_provider(client, provider, john, susan, make_post):
    post = make_post(susan, SPANISH_TEXT)
    provider.phrases[("es", "en", SPANISH_TEXT)] = "Hello everyone, how are you today? I'm off to the beach."
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en",
                                  "post_id": post.id})
    assert response.status_code == 200
    assert response.json == {"text": "Hello everyone, how are you today? I'm off to the beach."}
    [request] = provider.requests
    assert_documented_request(provider, request, SPANISH_TEXT, "es", "en")
    assert cached_rows() == [(post.id, "en", "Hello everyone, how are you today? I'm off to the beach.",
                              provider.provider)]


def test_a_post_is_not_paid_for_twice(client, provider, john, susan, make_post, make_user):
    post = make_post(susan, GERMAN_TEXT)
    payload = {"text": GERMAN_TEXT, "source_language": "de", "dest_language": "en", "post_id": post.id}
    first = translate(client, payload)
    second = translate(client, payload)
    assert first.json == second.json == {"text": f"[en] {GERMAN_TEXT}"}
    assert len(provider.requests) == 1
    # Into another language it is a new translation, kept apart.
    assert translate(client, {**payload, "dest_language": "es"}).json == {"text": f"[es] {GERMAN_TEXT}"}
    assert len(provider.requests) == 2
    assert [(row[1], row[2]) for row in cached_rows()] == [("en", f"[en] {GERMAN_TEXT}"), ("es", f"[es] {GERMAN_TEXT}")]


def test_text_that_is_not_the_posts_is_translated_but_not_cached(client, provider, john, susan, make_post):
    post = make_post(susan, SPANISH_TEXT)
    response = translate(client, {"text": "Texto inventado", "source_language": "es", "dest_language": "en",
                                  "post_id": post.id})
    assert response.json == {"text": "[en] Texto inventado"}
    assert cached_rows() == []
    # Nor when the language given is not the post's.
    translate(client, {"text": SPANISH_TEXT, "source_language": "pt", "dest_language": "en", "post_id": post.id})
    assert cached_rows() == []


def test_text_without_a_post_is_translated(client, provider, john):
    response = translate(client, {"text": GERMAN_TEXT, "source_language": "de", "dest_language": "es"})
    assert response.status_code == 200 and response.json == {"text": f"[es] {GERMAN_TEXT}"}
    assert_documented_request(provider, provider.requests[0], GERMAN_TEXT, "de", "es")
    assert cached_rows() == []


def test_text_already_in_the_wanted_language_is_given_back(client, provider, john):
    response = translate(client, {"text": ENGLISH_TEXT, "source_language": "en", "dest_language": "en"})
    assert response.json == {"text": ENGLISH_TEXT}
    assert provider.requests == []


@pytest.mark.parametrize("status, answer", [
    (500, {"error": "The service is overloaded"}),
    (429, {"error": "Too many requests"}),
    (200, {"unexpected": True}),
])
def test_provider_errors_are_a_json_502(client, provider, john, susan, make_post, status, answer, caplog):
    post = make_post(susan, SPANISH_TEXT)
    provider.failure = (status, answer)
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en",
                                  "post_id": post.id})
    assert response.status_code == 502
    assert response.json == {"code": 502, "message": "Bad Gateway", "description": "The translation service failed."}
    assert cached_rows() == []
    assert any("Translation failed" in record.getMessage() for record in caplog.records)


def test_a_bad_key_is_a_502_and_is_logged(client, provider, john, caplog):
    provider.key = "the key the service expects"
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en"})
    assert response.status_code == 502
    assert any(re.search(r"answered 40[13]", record.getMessage()) for record in caplog.records)


def test_a_slow_provider_is_a_json_504(app, client, provider, john):
    app.config["TRANSLATION_TIMEOUT"] = 0.3
    provider.delay = 3.0
    started = time.monotonic()
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en"})
    assert response.status_code == 504 and response.json["code"] == 504
    assert time.monotonic() - started < 2.5


def test_an_unreachable_provider_is_a_json_502(app, client, john):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config["LIBRETRANSLATE_URL"] = f"http://127.0.0.1:{port}"
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en"})
    assert response.status_code == 502 and response.json["code"] == 502


def test_without_a_provider_translation_is_unavailable(client, john):
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en"})
    assert response.status_code == 503 and response.json["code"] == 503


def test_the_csrf_header_is_required(client, provider, john):
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en"}, csrf=False)
    assert response.status_code == 400
    assert response.json["code"] == 400 and "CSRF" in response.json["description"]
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en"},
                         csrf=False, **{"X-CSRFToken": "forged"})
    assert response.status_code == 400
    assert provider.requests == []


def test_anonymous_callers_are_refused(client, provider):
    token = client.csrf_token()
    response = client.post("/translate", json={"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 401
    assert response.json["code"] == 401 and response.json["message"] == "Unauthorized"
    assert provider.requests == []


@pytest.mark.parametrize("payload, field", [
    ({"source_language": "es", "dest_language": "en"}, "text"),
    ({"text": "   ", "source_language": "es", "dest_language": "en"}, "text"),
    ({"text": 42, "source_language": "es", "dest_language": "en"}, "text"),
    ({"text": "x" * 1001, "source_language": "es", "dest_language": "en"}, "text"),
    ({"text": "Hola", "source_language": "not a code", "dest_language": "en"}, "source_language"),
    ({"text": "Hola", "dest_language": "en"}, "source_language"),
    ({"text": "Hola", "source_language": "es", "dest_language": "fr"}, "dest_language"),
    ({"text": "Hola", "source_language": "es", "dest_language": "en", "post_id": "7"}, "post_id"),
    ({"text": "Hola", "source_language": "es", "dest_language": "en", "post_id": True}, "post_id"),
    ({"text": "Hola", "source_language": "es", "dest_language": "en", "post_id": 2**63}, "post_id"),
    ({"text": "Hola", "source_language": "es", "dest_language": "en", "post_id": -1}, "post_id"),
    ({"text": "Ho\x00la", "source_language": "es", "dest_language": "en"}, "text"),
    ({"text": "Hola", "source_language": ["es"], "dest_language": "en"}, "source_language"),
    (["Hola", "es", "en"], "json"),
])
def test_bad_requests_say_what_is_wrong(client, provider, john, payload, field):
    response = translate(client, payload)
    assert response.status_code == 400
    assert response.json["code"] == 400 and list(response.json["errors"]) == [field]
    messages = response.json["errors"][field]
    assert isinstance(messages, list) and messages and all(isinstance(m, str) and m for m in messages)
    assert provider.requests == []


def test_unknown_fields_are_ignored(client, provider, john):
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en", "extra": 1})
    assert response.status_code == 200 and response.json["text"]


def test_an_unknown_post_is_translated_without_caching(client, provider, john):
    response = translate(client, {"text": SPANISH_TEXT, "source_language": "es", "dest_language": "en",
                                  "post_id": 999_999})
    assert response.status_code == 200 and cached_rows() == []


def test_a_get_is_not_allowed(client, john):
    assert client.get("/translate").status_code == 405
