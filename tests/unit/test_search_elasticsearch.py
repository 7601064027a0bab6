"""The Elasticsearch backend, checked at its HTTP boundary against a local fake of the API."""

import logging

import pytest
import sqlalchemy as sa

from app import search
from app.extensions import db
from app.models import Post, User
from app.search import SearchUnavailable
from tests.fake_elasticsearch import FakeElasticsearch, error


@pytest.fixture
def elasticsearch(app):
    with FakeElasticsearch() as fake:
        app.config.update(ELASTICSEARCH_URL=fake.url, ELASTICSEARCH_INDEX_PREFIX="microblog-")
        search.init_app(app)
        yield fake
    app.config["ELASTICSEARCH_URL"] = None
    search.init_app(app)


@pytest.fixture
def ann(make_user):
    return make_user("ann", about_me="tulips")


def bulk_lines(fake: FakeElasticsearch) -> list[list[dict]]:
    return [request.body for request in fake.requests_to("/_bulk")]


def test_changes_go_in_one_bulk_request_after_the_commit(elasticsearch, ann):
    [user_lines] = bulk_lines(elasticsearch)
    assert user_lines == [{"index": {"_index": "microblog-users", "_id": str(ann.id)}},
                          {"id": ann.id, "username": "ann", "about_me": "tulips"}]
    elasticsearch.requests.clear()
    post = Post.publish(ann, "tulips in spring")
    db.session.flush()
    assert elasticsearch.requests == []  # nothing leaves before the commit
    db.session.commit()
    [request] = elasticsearch.requests
    assert (request.method, request.path) in {("PUT", "/_bulk"), ("POST", "/_bulk")}
    assert request.headers["content-type"].startswith("application/vnd.elasticsearch+x-ndjson")
    assert request.body == [
        {"index": {"_index": "microblog-posts", "_id": str(post.id)}},
        {"id": post.id, "body": "tulips in spring", "timestamp": post.timestamp.isoformat()},
    ]


def test_a_rollback_sends_nothing(elasticsearch, ann):
    elasticsearch.requests.clear()
    Post.publish(ann, "never mind")
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert elasticsearch.requests == []


def test_only_changes_to_searchable_columns_are_sent(elasticsearch, ann):
    elasticsearch.requests.clear()
    ann.locale = "es"
    ann.posts_count = 3
    db.session.commit()
    assert elasticsearch.requests == []
    ann.about_me = "roses"
    db.session.commit()
    assert bulk_lines(elasticsearch) == [[{"index": {"_index": "microblog-users", "_id": str(ann.id)}},
                                          {"id": ann.id, "username": "ann", "about_me": "roses"}]]


def test_a_deleted_post_is_removed(elasticsearch, ann):
    post = Post.publish(ann, "tulips")
    db.session.commit()
    elasticsearch.requests.clear()
    db.session.delete(post)
    db.session.commit()
    assert bulk_lines(elasticsearch) == [[{"delete": {"_index": "microblog-posts", "_id": str(post.id)}}]]
    assert elasticsearch.indices["microblog-posts"]["documents"] == {}


def test_the_search_request_and_its_answer(elasticsearch, ann):
    first, second = Post.publish(ann, "microblog"), Post.publish(ann, "the quick brown microbe")
    db.session.commit()
    elasticsearch.search_ids = [second.id, 999_999, first.id]  # 999999: a row deleted by a cascade
    page = Post.search('micro "quick brown" -spam', 1, 3)
    assert page.items == [second, first] and page.total == 3
    [request] = elasticsearch.requests_to("/_search")
    assert request.path == "/microblog-posts/_search"
    fields = ["body^3"]
    assert request.body == {
        "query": {"bool": {
            "must": [
                {"bool": {"should": [
                    {"multi_match": {"query": "micro", "fields": fields}},
                    {"multi_match": {"query": "micro", "type": "phrase_prefix", "fields": fields}},
                ], "minimum_should_match": 1}},
                {"multi_match": {"query": "quick brown", "type": "phrase", "fields": fields}},
            ],
            "must_not": [{"multi_match": {"query": "spam", "type": "phrase", "fields": fields}}],
        }},
        "sort": ["_score", {"timestamp": {"order": "desc"}}, {"id": {"order": "desc"}}],
        "from": 0,
        "size": 3,
        "track_total_hits": True,
        "_source": False,
    }


def test_people_are_searched_in_their_own_index_username_first(elasticsearch, ann):
    elasticsearch.requests.clear()
    assert User.search("tul", 2, 5).items == []
    [request] = elasticsearch.requests
    assert request.path == "/microblog-users/_search"
    assert request.body["query"]["bool"]["must"][0]["bool"]["should"][0]["multi_match"]["fields"] == [
        "username^3", "about_me"]
    assert request.body["sort"] == ["_score", {"id": {"order": "desc"}}]
    assert (request.body["from"], request.body["size"]) == (5, 5)


def test_a_failed_index_update_is_logged_and_the_post_stays(elasticsearch, ann, caplog):
    elasticsearch.failure = error(503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE]")
    with caplog.at_level(logging.ERROR, logger="app.search"):
        Post.publish(ann, "tulips")
        db.session.commit()
    assert db.session.scalars(sa.select(Post.body)).all() == ["tulips"]
    [record] = [record for record in caplog.records if record.name == "app.search.elastic"]
    assert "Search index microblog-posts not updated (1 changed, 0 removed)" in record.getMessage()
    assert "flask search reindex posts" in record.getMessage()


def test_refused_documents_are_logged(elasticsearch, ann, caplog, monkeypatch):
    def refuse(lines):
        return 200, {"errors": True, "items": [{"index": {"_id": "1", "status": 400, "error": {"type": "bad"}}}]}

    monkeypatch.setattr(elasticsearch, "bulk", refuse)
    with caplog.at_level(logging.ERROR, logger="app.search"):
        Post.publish(ann, "tulips")
        db.session.commit()
    assert any("refused 1 of its updates" in record.getMessage() for record in caplog.records)


def test_a_failing_engine_makes_search_unavailable(elasticsearch, ann):
    elasticsearch.failure = error(500, "search_phase_execution_exception", "all shards failed")
    with pytest.raises(SearchUnavailable):
        Post.search("tulips")


def test_a_missing_index_finds_nothing_and_says_to_reindex(elasticsearch, ann, caplog):
    elasticsearch.indices.clear()
    with caplog.at_level(logging.WARNING, logger="app.search"):
        page = Post.search("tulips")
    assert page.items == [] and page.total == 0
    assert any("flask search reindex" in record.getMessage() for record in caplog.records)


def test_reindex_rebuilds_the_index_with_its_mapping(elasticsearch, ann, monkeypatch):
    monkeypatch.setattr("app.search.elastic.BATCH_SIZE", 2)
    db.session.execute(sa.insert(Post.__table__), [  # written in bulk, as flask seed does: no ORM events
        {"body": f"tulip {number}", "timestamp": ann.created_at, "user_id": ann.id} for number in range(5)
    ])
    db.session.commit()
    elasticsearch.indices["microblog-posts"] = {"mappings": None, "documents": {"999": {"body": "stale"}}}
    elasticsearch.requests.clear()
    steps = []
    assert search.get_backend().reindex(Post, steps.append) == 5
    assert steps == [2, 2, 1]
    calls = [(request.method, request.path) for request in elasticsearch.requests]
    assert calls[:2] == [("DELETE", "/microblog-posts"), ("PUT", "/microblog-posts")]
    assert calls[-1] == ("POST", "/microblog-posts/_refresh") and len(bulk_lines(elasticsearch)) == 3
    assert elasticsearch.indices["microblog-posts"]["mappings"] == {"dynamic": "strict", "properties": {
        "id": {"type": "long"}, "body": {"type": "text"}, "timestamp": {"type": "date"}}}
    assert sorted(elasticsearch.indices["microblog-posts"]["documents"]) == sorted(
        str(id) for id in db.session.scalars(sa.select(Post.id)))
