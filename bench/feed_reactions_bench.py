"""Home feed latency on a large network with likes and reposts, in process.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/microblog_feedbench \\
        venv/bin/python bench/feed_reactions_bench.py [--requests 200] [--label after]

Expects a database filled by ``flask seed --users 10000 --posts 1000000 --follows 48``
(plus ``--likes``/``--reposts`` for the figures with reactions, see bench/RESULTS.md)
and analysed. Signs in (through the session cookie) as the first person who follows
about 50 people, and times ``GET /index``, ``/index?page=2`` and ``/index?page=40``
and, where the code has them, the cursor pages, through the whole Flask stack (test
client, no network) over ``--requests`` calls each: p50 and p99 in milliseconds.
The feed's query alone is timed the same way, and ``EXPLAIN (ANALYZE, BUFFERS)`` of it printed. Runs against
whatever code is in the current directory, so the same script measures before and
after a change.
"""

import argparse
import os
import statistics
import sys
from time import perf_counter

sys.path.insert(0, os.getcwd())
os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 32)

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Post, User  # noqa: E402
from config import Config  # noqa: E402


class BenchConfig(Config):
    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
    POSTS_PER_PAGE = 25
    TRUSTED_HOSTS = ["localhost"]
    RATELIMIT_ENABLED = False
    SOCKETIO_ENABLED = False
    LAST_SEEN_INTERVAL = 10**9  # page views write nothing, as between two last_seen updates


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def time_page(client, url: str, calls: int) -> tuple[float, float]:
    assert client.get(url).status_code == 200, url  # warm up
    timings = []
    for _ in range(calls):
        started = perf_counter()
        response = client.get(url)
        timings.append((perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return statistics.median(timings), percentile(timings, 0.99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    app = create_app(BenchConfig)
    with app.app_context():
        reader = db.session.scalar(
            sa.select(User).where(User.following_count.between(48, 55)).order_by(User.id).limit(1)
        )
        totals = db.session.execute(sa.text(
            "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM follows), "
            "(SELECT count(*) FROM information_schema.tables WHERE table_name = 'likes')"
        )).one()
        reactions = ""
        if totals[2]:
            reactions = ", {} likes, {} reposts".format(*db.session.execute(sa.text(
                "SELECT (SELECT count(*) FROM likes), (SELECT count(*) FROM reposts)")).one())
        print(f"# {args.label}: {totals[0]:,} posts, {totals[1]:,} follows{reactions}; "
              f"reader {reader.username} follows {reader.following_count}")
        session_id = reader.get_id()
        query = Post.timeline_select(reader, depth=26).limit(26)
        timings = []
        for _ in range(args.requests + 1):
            db.session.expunge_all()
            started = perf_counter()
            db.session.execute(query).all()
            timings.append((perf_counter() - started) * 1000)
        query_times = statistics.median(timings[1:]), percentile(timings[1:], 0.99)
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = db.session.scalars(sa.text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).all()
        db.session.rollback()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    urls = ["/index", "/index?page=2", "/index?page=40"]
    if "before" in (Post.timeline_select.__doc__ or ""):
        page = client.get("/index?page=39").get_data(as_text=True)
        marker = "/index?before="
        if marker in page:
            cursor = page.split(marker, 1)[1].split('"', 1)[0]
            urls.append(f"/index?before={cursor}")
    print("| request | p50 ms | p99 ms |\n|---|---:|---:|")
    print(f"| the feed query alone, page 1 (execute and fetch) | {query_times[0]:.1f} | {query_times[1]:.1f} |")
    for url in urls:
        p50, p99 = time_page(client, url, args.requests)
        shown = url if "before=" not in url else "/index?before=<cursor after page 39>"
        print(f"| `{shown}` | {p50:.1f} | {p99:.1f} |")
    print("\nEXPLAIN (ANALYZE, BUFFERS), page 1 (warm):\n")
    print("\n".join("    " + line for line in plan))


if __name__ == "__main__":
    main()
