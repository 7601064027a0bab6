"""What feed pages cost on a large network: SQL statements, milliseconds, query plans.

Run on demand with `make bench` (not part of `make test`). Uses the PostgreSQL
database BENCH_DATABASE_URL (default: microblog_bench on the local server),
migrating it and, when empty, filling it with `flask seed` at BENCH_USERS people
and BENCH_POSTS posts (10,000 and 1,000,000 by default) and timing that.
Requests go through the whole Flask stack via the test client, each starting
from an empty session as in a server process; times are medians.
Results are printed and written to bench/results/feeds.md.
"""

import os
import statistics
from pathlib import Path
from time import perf_counter

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Post, User
from app.seed import DEMO_PASSWORD
from tests.conftest import CSRFClient, config_for, service_missing

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/microblog_bench"
)
USERS = int(os.environ.get("BENCH_USERS", 10_000))
POSTS = int(os.environ.get("BENCH_POSTS", 1_000_000))
CALLS = 50


@pytest.fixture(scope="module")
def big_app():
    url = sa.make_url(DATABASE_URL)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                       {"name": url.database})
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    except sa.exc.OperationalError as error:
        service_missing(f"PostgreSQL is not reachable: {error.orig}")
    finally:
        admin.dispose()
    app = create_app(config_for(DATABASE_URL, POSTS_PER_PAGE=25))
    app.test_client_class = CSRFClient
    with app.app_context():
        flask_migrate.upgrade()
        seed_seconds = None
        if not db.session.scalar(sa.select(sa.func.count()).select_from(User)):
            started = perf_counter()
            result = app.test_cli_runner().invoke(args=["seed", "--users", str(USERS), "--posts", str(POSTS)])
            assert result.exit_code == 0, result.output
            seed_seconds = perf_counter() - started
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        yield app, seed_seconds
        db.session.remove()
        db.engine.dispose()


def measure(client, url: str) -> tuple[int, float]:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    client.get(url)  # warm caches and last_seen
    timings, counts = [], set()
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        for _ in range(CALLS):
            db.session.expunge_all()
            statements.clear()
            started = perf_counter()
            response = client.get(url)
            timings.append((perf_counter() - started) * 1000)
            assert response.status_code == 200, url
            counts.add(len(statements))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(counts) == 1, f"{url}: statement count varies {counts}"
    return counts.pop(), statistics.median(timings)


def explain(select: sa.Select) -> str:
    compiled = select.compile(db.engine, compile_kwargs={"literal_binds": True})
    return "\n".join(db.session.scalars(sa.text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")))


def test_feed_costs(big_app):
    app, seed_seconds = big_app
    reader = db.session.scalar(sa.select(User).order_by(User.following_count.desc(), User.id).limit(1))
    light = db.session.scalar(
        sa.select(User).where(User.following_count > 0).order_by(User.following_count, User.id).limit(1)
    )
    popular = db.session.scalar(sa.select(User).order_by(User.followers_count.desc(), User.id).limit(1))
    people = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    posts = db.session.scalar(sa.text("SELECT count(*) FROM posts"))
    feed_plan = explain(Post.timeline_select(reader, depth=26).limit(26))
    deep_plan = explain(Post.timeline_select(reader, depth=1001).limit(26).offset(975))
    light_plan = explain(Post.timeline_select(light, depth=26).limit(26))
    light_name, light_following = light.username, light.following_count
    reader_name, popular_name, following = reader.username, popular.username, reader.following_count
    db.session.commit()

    client = app.test_client()
    response = client.post("/auth/login", data={"username": reader_name, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    rows = [
        (f"/index (follows {following})", "/index"),
        ("/index?page=40", "/index?page=40"),
        ("/explore", "/explore"),
        (f"/user/<most followed> ({popular.followers_count} followers)", f"/user/{popular_name}"),
    ]
    lines = [
        f"Database: PostgreSQL, {people:,} people, {posts:,} posts. {CALLS} calls per row; median.",
        "",
        "| page | SQL statements | ms/call |",
        "|---|---|---|",
    ]
    for label, url in rows:
        count, milliseconds = measure(client, url)
        lines.append(f"| `{label}` | {count} | {milliseconds:.1f} |")
    client.post("/auth/logout")
    client.post("/auth/login", data={"username": light_name, "password": DEMO_PASSWORD})
    count, milliseconds = measure(client, "/index")
    lines.append(f"| `/index (follows {light_following}, fewest)` | {count} | {milliseconds:.1f} |")
    if seed_seconds is not None:
        lines += ["", f"`flask seed --users {USERS} --posts {POSTS}`: {seed_seconds:.0f} s"]
    lines += ["", "Home feed plan, page 1:", "", "```", feed_plan, "```",
              "", "Home feed plan, page 40:", "", "```", deep_plan, "```",
              "", f"Home feed plan, page 1, following {light_following}:", "", "```", light_plan, "```"]
    report = "\n".join(lines)
    print("\n" + report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "feeds.md").write_text(report + "\n")
