"""Search latency on PostgreSQL with a million posts: a common word, a rare word, a prefix.

Run on demand (`make bench`, or `pytest tests/bench/test_search_bench.py -s`), not part of
`make test`. Uses the feed benchmark's database (tests/bench/test_feed_bench.py:
BENCH_DATABASE_URL, seeded with 10,000 people and 1,000,000 posts when empty). Seeded posts draw their words
evenly from Faker's word list, so every word is in about 1% of them; the rare word is put
into RARE_POSTS posts by the benchmark itself. Each query runs CALLS times through
``Post.search`` (first page of 25: the ranked query plus loading the posts and their
authors, each from an empty session); the page row goes through the whole Flask stack.
Results are printed and written to bench/results/search.md.
"""

import os
import statistics
from pathlib import Path
from time import perf_counter

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Post, User
from app.seed import DEMO_PASSWORD
from tests.bench.test_feed_bench import big_app  # noqa: F401  (the seeded million-post database)

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"
CALLS = int(os.environ.get("BENCH_CALLS", 100))
RARE_WORD = "zeppelin"
RARE_POSTS = 12


@pytest.fixture(scope="module")
def search_app(request):
    """The feed benchmark's database, plus a rare word, its index rebuilt and analysed."""
    app, _ = request.getfixturevalue("big_app")
    if not Post.search(RARE_WORD).total:
        author = db.session.scalar(sa.select(User).order_by(User.id).limit(1))
        for number in range(RARE_POSTS):
            Post.publish(author, f"A {RARE_WORD} over the city, sighting number {number}")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "reindex", "posts"])  # REINDEX, VACUUM ANALYZE
    assert result.exit_code == 0, result.output
    return app


def common_word() -> str:
    """The word in the most posts of a 1% sample."""
    return db.session.scalar(sa.text(
        "SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', body) FROM posts TABLESAMPLE SYSTEM (1) "
        "REPEATABLE (1)') ORDER BY ndoc DESC, word LIMIT 1"))


def percentiles(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return statistics.median(timings) * 1000, cuts[98] * 1000


def time_search(expression: str) -> tuple[int, float, float]:
    page = Post.search(expression, 1, 25)  # warm the cache
    timings = []
    for _ in range(CALLS):
        db.session.expunge_all()
        started = perf_counter()
        Post.search(expression, 1, 25)
        timings.append(perf_counter() - started)
    return (page.total or 0, *percentiles(timings))


def time_page(client, expression: str) -> tuple[float, float]:
    client.get("/search", query_string={"q": expression})
    timings = []
    for _ in range(CALLS // 4):
        db.session.expunge_all()
        started = perf_counter()
        response = client.get("/search", query_string={"q": expression})
        timings.append(perf_counter() - started)
        assert response.status_code == 200
    return percentiles(timings)


def test_search_latency(search_app):
    common = common_word()
    rows = []
    for label, expression in (
        (f"common word (`{common}`)", common),
        (f"rare word (`{RARE_WORD}`)", RARE_WORD),
        ("prefix (`pro`: product, program, provide, ...)", "pro"),
        (f"two words (`{common} pro`)", f"{common} pro"),
    ):
        total, p50, p99 = time_search(expression)
        rows.append(f"| {label} | {total:,} | {p50:.1f} | {p99:.1f} |")
    client = search_app.test_client()
    demo = db.session.scalar(sa.select(User.username).order_by(User.id).limit(1))
    client.post("/auth/login", data={"username": demo, "password": DEMO_PASSWORD})
    page_p50, page_p99 = time_page(client, common)
    posts = db.session.scalar(sa.select(sa.func.count()).select_from(Post))
    table = "\n".join([
        f"Search on PostgreSQL, {posts:,} posts; {CALLS} calls per query, first page of 25.",
        "",
        "| query | matching posts | p50 ms | p99 ms |",
        "|---|---|---|---|",
        *rows,
        f"| `/search?q={common}` page, whole Flask stack | | {page_p50:.1f} | {page_p99:.1f} |",
    ])
    print("\n" + table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search.md").write_text(table + "\n")
