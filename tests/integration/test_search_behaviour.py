"""What a search finds, on every backend: SQLite FTS5 and PostgreSQL (through the ``app``
fixture) and a real Elasticsearch when ELASTICSEARCH_URL names one."""

import os
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import search
from app.extensions import db
from app.models import Post, User, utcnow
from app.search import QueryHasControlCharacters, QueryHasTooManyWords, QueryTooLong, QueryWithoutWords


class Engine:
    """The backend under test; ``ready()`` makes committed changes searchable."""

    def __init__(self, backend):
        self.backend = backend

    def ready(self) -> None:
        if hasattr(self.backend, "refresh"):
            self.backend.refresh()


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, app):
    if request.param == "database":
        yield Engine(search.get_backend())
        return
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        # Not a missing service of this machine: Elasticsearch is optional and none runs here.
        pytest.skip("ELASTICSEARCH_URL is not set; the behaviour suite runs on Elasticsearch only against a real one")
    app.config.update(ELASTICSEARCH_URL=url, ELASTICSEARCH_INDEX_PREFIX=f"microblog-test-{uuid.uuid4().hex[:8]}-")
    search.init_app(app)
    backend = search.get_backend()
    for model in search.searchable_models().values():
        backend.reindex(model, lambda done: None)
    yield Engine(backend)
    for name in search.searchable_models():  # by name: Elasticsearch refuses wildcard deletes by default
        backend.client.indices.delete(index=backend.index_name(name), ignore_unavailable=True)


@pytest.fixture
def author(make_user):
    return make_user("ann")


def publish(author: User, *bodies: str, start=None) -> list[Post]:
    """Publish posts one second apart, the last one newest."""
    start = start or utcnow() - timedelta(hours=1)
    posts = []
    for number, body in enumerate(bodies):
        post = Post.publish(author, body)
        post.timestamp = start + timedelta(seconds=number)
        posts.append(post)
    db.session.commit()
    return posts


def bodies(expression: str, page: int = 1, per_page: int = 25) -> list[str]:
    return [post.body for post in Post.search(expression, page, per_page).items]


def test_more_relevant_posts_come_first_then_newer_ones(engine, author):
    publish(author, "python python python", "python and many other words about snakes and lizards",
            "nothing about that here")
    older, newer = publish(author, "a post on tulips", "a post on tulips", start=utcnow() - timedelta(days=2))
    engine.ready()
    assert bodies("python") == ["python python python", "python and many other words about snakes and lizards"]
    assert [post.id for post in Post.search("tulips").items] == [newer.id, older.id]
    assert Post.search("python").total == 2


def test_a_word_finds_longer_words_it_begins_whatever_the_case(engine, author):
    publish(author, "Microblogging is fun", "a MICROBLOG for everyone", "macro views only")
    engine.ready()
    assert sorted(bodies("micro")) == ["Microblogging is fun", "a MICROBLOG for everyone"]
    assert sorted(bodies("MICROBLOG")) == ["Microblogging is fun", "a MICROBLOG for everyone"]
    assert bodies("microbe") == []
    publish(author, "x marks the spot")
    engine.ready()
    assert bodies("x") == ["x marks the spot"]  # a single letter is a word, not a prefix of every x-word
    assert bodies("m") == []


def test_quotes_find_the_exact_words_in_order(engine, author):
    publish(author, "the quick brown fox", "brown and quick", "quicker browns", "microblog")
    engine.ready()
    assert bodies('"quick brown"') == ["the quick brown fox"]
    assert sorted(bodies("quick brown")) == ["brown and quick", "quicker browns", "the quick brown fox"]
    assert bodies('"micro"') == []  # a quoted word is that word, not a prefix
    assert bodies('"quick brown') == ["the quick brown fox"]  # an unclosed quote runs to the end


def test_a_minus_leaves_out_posts_with_that_word_or_phrase(engine, author):
    publish(author, "fox jumps over the lazy dog", "fox runs away", "fox and the lazy cat sleep")
    engine.ready()
    assert bodies("fox -lazy") == ["fox runs away"]
    assert sorted(bodies('fox -"lazy dog"')) == ["fox and the lazy cat sleep", "fox runs away"]
    assert bodies("fox -runs -lazy") == []


def test_search_follows_edits_and_deletes(engine, author):
    post, other = publish(author, "tulips in spring", "roses in summer")
    engine.ready()
    assert bodies("tulips") == ["tulips in spring"]
    post.body = "daffodils in spring"
    db.session.commit()
    engine.ready()
    assert bodies("tulips") == [] and bodies("daffodils") == ["daffodils in spring"]
    db.session.delete(other)
    db.session.commit()
    engine.ready()
    assert bodies("roses") == [] and bodies("spring") == ["daffodils in spring"]


def test_a_rolled_back_post_is_never_found(engine, author):
    Post.publish(author, "tulips that never were")
    db.session.flush()
    db.session.rollback()
    engine.ready()
    assert bodies("tulips") == []


def test_pages_split_the_ranked_results_without_gaps_or_repeats(engine, author):
    posts = publish(author, *[f"tulip number {number}" for number in range(7)], "rose only")
    engine.ready()
    pages = [Post.search("tulip", number, 3) for number in (1, 2, 3, 4)]
    assert [[post.id for post in page.items] for page in pages[:3]] == [
        [post.id for post in reversed(posts[4:7])], [post.id for post in reversed(posts[1:4])], [posts[0].id]
    ]
    assert [page.has_next for page in pages] == [True, True, False, False]
    assert [page.has_prev for page in pages] == [False, True, True, True]
    assert pages[0].total == 7 and pages[3].items == []


def test_unicode_words_are_found_in_any_script(engine, author):
    publish(author, "Café Über alles", "日本語のテキスト", "Ελληνικά γράμματα 🎉 party")
    engine.ready()
    assert bodies("café") == ["Café Über alles"]
    assert bodies("über") == ["Café Über alles"]
    assert bodies("ÜBER") == ["Café Über alles"]
    assert bodies("ελληνικά") == ["Ελληνικά γράμματα 🎉 party"]
    assert bodies("🎉 party") == ["Ελληνικά γράμματα 🎉 party"]  # the emoji is no word; "party" is


def test_a_thousand_character_query_is_refused_not_searched(engine, author):
    publish(author, "tulips")
    with pytest.raises(QueryTooLong):
        Post.search("tulips " * 143)
    with pytest.raises(QueryHasTooManyWords):
        Post.search(" ".join(f"w{number}" for number in range(40)))


@pytest.mark.parametrize("expression", ["-tulips", '- "" -', "* ( ) : ^ ~", '-"tulips in spring"', "&& || !"])
def test_operator_only_queries_are_refused(engine, author, expression):
    publish(author, "tulips in spring")
    with pytest.raises(QueryWithoutWords):
        Post.search(expression)


def test_words_that_are_operators_elsewhere_are_just_words(engine, author):
    publish(author, "salt OR pepper NOT sugar", "NEAR the sea", "tulips")
    engine.ready()
    assert bodies("or not") == ["salt OR pepper NOT sugar"]
    assert bodies("NEAR") == ["NEAR the sea"]
    assert bodies('tulips* AND "(x') == []


def test_control_characters_are_refused(engine):
    with pytest.raises(QueryHasControlCharacters):
        Post.search("tulips\x00")
    with pytest.raises(QueryHasControlCharacters):
        Post.search("tulips\x1b[2J")


def test_highlighting_escapes_the_text_then_marks_the_words(engine, author):
    publish(author, "<b>Microblog</b> & friends")
    engine.ready()
    page = Post.search("micro -enemies")
    assert str(page.query.highlight(page.items[0].body)) == "&lt;b&gt;<mark>Microblog</mark>&lt;/b&gt; &amp; friends"


def test_people_are_found_by_username_and_about_me_username_first(engine, make_user):
    make_user("tulipfan", about_me="I grow roses")
    make_user("gardener", about_me="tulips all day, every day")
    make_user("nobody", about_me="<script>alert(1)</script>")
    engine.ready()
    assert [user.username for user in User.search("tulip").items] == ["tulipfan", "gardener"]
    assert [user.username for user in User.search("garden").items] == ["gardener"]
    assert [user.username for user in User.search("roses").items] == ["tulipfan"]


def test_profile_changes_reach_the_index(engine, make_user):
    user = make_user("tulipfan")
    engine.ready()
    user.username = "rosefan"
    user.about_me = "now into daisies"
    db.session.commit()
    engine.ready()
    assert User.search("tulip").items == []
    assert [found.username for found in User.search("daisies").items] == ["rosefan"]


def test_posts_written_in_bulk_are_found(engine, author):
    db.session.execute(sa.insert(Post.__table__), [
        {"body": f"bulk tulip {number}", "timestamp": utcnow(), "user_id": author.id, "language": "en"}
        for number in range(3)
    ])
    db.session.commit()
    if engine.backend.name == "database" and db.engine.dialect.name == "postgresql":
        assert Post.search("tulip").total == 3  # a generated column: nothing to do
    engine.backend.reindex(Post, lambda done: None)  # bulk inserts bypass the ORM; reindex is the way
    engine.ready()
    assert Post.search("tulip").total == 3


def test_stems_match_in_the_posts_language_on_postgresql(app, author):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("stemming by language is PostgreSQL's (FTS5 and Elasticsearch match words as written)")
    post, = publish(author, "My neighbours were running marathons all summer long")
    assert post.language == "en"
    assert bodies("runs") == [post.body] and bodies("marathon") == [post.body]
    assert bodies("all summer") == [post.body]  # a stop word as written still counts
    assert bodies("summer -run") == []


def test_simultaneous_posts_are_all_written_and_found(app, make_user):
    """Two writers at once: indexing as they write must not make either fail (SQLite locks the file)."""
    from tests.integration.test_message_races import run_together

    ids = [make_user(name).id for name in ("ann", "ben")]

    def post(user_id: int, body: str):
        return lambda: Post.publish(db.session.get(User, user_id), body)

    assert run_together(app, [post(ids[0], "tulips at dawn"), post(ids[1], "tulips at dusk")]) == []
    assert sorted(bodies("tulips")) == ["tulips at dawn", "tulips at dusk"]


def test_a_deleted_post_leaves_the_index_and_an_edited_one_is_found_by_its_new_words(engine, author):
    kept, edited, deleted = publish(author, "tulips in spring", "daffodils in spring", "crocuses in spring",
                                    start=utcnow() - timedelta(minutes=1))  # within the edit window
    engine.ready()
    assert deleted.delete()
    assert edited.edit(author, "snowdrops in winter")
    db.session.commit()
    engine.ready()
    assert bodies("spring") == ["tulips in spring"]
    assert bodies("crocuses") == [] and bodies("daffodils") == []
    assert [post.id for post in Post.search("snowdrops").items] == [edited.id]
    assert kept.id != edited.id
