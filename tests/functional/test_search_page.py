"""The search page and the navbar's search box, as a signed-in person uses them."""

import logging
import re
import socket

import pytest
import sqlalchemy as sa

from app import search
from app.extensions import db
from app.models import Post

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_search_needs_a_login(client):
    response = client.get("/search?q=tulips")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_navbar_has_a_search_box_for_people_signed_in(client, john):
    page = text_of(client.get("/explore"))
    assert re.search(r'<form[^>]*role="search"[^>]*action="/search"', page)
    assert 'name="q"' in page
    client.post("/auth/logout")
    assert 'name="q"' not in text_of(client.get("/auth/login"))


@pytest.mark.parametrize("q", ["", "   "])
def test_an_empty_search_goes_to_explore(client, john, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 302 and response.headers["Location"].endswith("/explore")


def test_people_come_above_posts_with_the_words_marked(client, john, make_user, make_post):
    fan = make_user("tulipfan", about_me="Tulips <3")
    make_post(fan, "My <b>tulips</b> are up")
    make_post(john, "roses only")
    page = text_of(client.get("/search?q=tulip"))
    assert page.index('id="search-people"') < page.index('id="search-posts"')
    assert '<mark>tulip</mark>fan' not in page  # a whole word is marked, not a piece of it
    assert '<mark>tulipfan</mark>' in page and "<mark>Tulips</mark> &lt;3" in page
    assert "My &lt;b&gt;<mark>tulips</mark>&lt;/b&gt; are up" in page
    assert "roses only" not in page and "1 post" in page
    # The box keeps what was searched for.
    assert re.search(r'name="q"\s+value="tulip"', page)


def test_results_are_paginated_and_the_links_keep_the_query(client, john, make_post):
    for number in range(7):
        make_post(john, f"tulip {number}")
    first = text_of(client.get("/search?q=tulip"))
    assert first.count('<article class="post') == 3 and "7 posts" in first
    assert 'href="/search?page=2&amp;q=tulip"' in first
    last = text_of(client.get("/search?q=tulip&page=3"))
    assert last.count('<article class="post') == 1 and 'href="/search?page=2&amp;q=tulip"' in last
    assert 'id="search-people"' not in last  # people only on the first page
    assert client.get("/search?q=tulip&page=0").status_code == 400
    assert client.get("/search?q=tulip&page=99999999999").status_code == 400
    assert "No posts match your search." in text_of(client.get("/search?q=tulip&page=50"))


@pytest.mark.parametrize("q, message", [
    ("tulips " * 143, "That search is too long. Please use at most 200 characters."),
    ("-tulips", "Please type a word to look for"),
    ('"" - * ( )', "Please type a word to look for"),
    (" ".join(f"w{n}" for n in range(40)), "That search has too many words. Please use at most 32."),
])
def test_searches_that_cannot_run_get_a_friendly_message(client, john, q, message):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200 and message in text_of(response)


@pytest.mark.parametrize("q", ["tulips\x00", "tulips\x1b[2J", "\x7f"])
def test_control_characters_are_a_bad_request(client, john, q):
    assert client.get("/search", query_string={"q": q}).status_code == 400


def test_the_messages_are_translated(client, john):
    too_long = {"q": "x" * 201}
    assert "Esa búsqueda es demasiado larga" in text_of(client.get("/search", query_string=too_long, headers=SPANISH))
    assert "Diese Suche ist zu lang" in text_of(client.get("/search", query_string=too_long, headers=GERMAN))
    page = text_of(client.get("/search?q=nothing", headers=SPANISH))
    assert "Ninguna publicación coincide con tu búsqueda." in page and "Resultados de la búsqueda" in page


# -- the search engine down -----------------------------------------------------------------


@pytest.fixture
def engine_down(app):
    """Elasticsearch configured at an address where nothing answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(ELASTICSEARCH_URL=f"http://127.0.0.1:{port}", ELASTICSEARCH_TIMEOUT=1.0)
    search.init_app(app)
    yield
    app.config["ELASTICSEARCH_URL"] = None
    search.init_app(app)


def test_posting_works_while_the_engine_is_down_and_the_failure_is_logged(client, john, engine_down, caplog):
    with caplog.at_level(logging.ERROR, logger="app.search"):
        response = client.post("/index", data={"post": "tulips while the engine sleeps"})
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Post.body)).all() == ["tulips while the engine sleeps"]
    assert any("Search index microblog-posts not updated" in record.getMessage() for record in caplog.records)


def test_the_search_page_says_search_is_unavailable(client, john, engine_down):
    response = client.get("/search?q=tulips")
    assert response.status_code == 503
    assert "Search is unavailable at the moment." in text_of(response)
    spanish = client.get("/search?q=tulips", headers=SPANISH)
    assert spanish.status_code == 503 and "La búsqueda no está disponible" in text_of(spanish)


def test_a_search_too_slow_to_rank_asks_for_a_narrower_one(app, client, john, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the time limit is PostgreSQL's statement_timeout")
    Post.search("tulips")
    assert db.session.scalar(sa.text("SHOW statement_timeout")) == "0"  # the limit was lifted after the search
    db.session.rollback()
    slow = sa.select(sa.literal(1), sa.literal(0)).select_from(sa.func.pg_sleep(1))
    monkeypatch.setattr("app.search.database.postgres_select", lambda model, query: slow)
    app.config["SEARCH_TIMEOUT"] = 0.05
    response = client.get("/search?q=tulips")
    assert response.status_code == 200
    assert "That search matches too many posts to rank in time." in text_of(response)
    assert 'id="search-posts"' not in text_of(response)
