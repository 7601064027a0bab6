"""Query plans of the load benchmark's endpoints: EXPLAIN (ANALYZE, BUFFERS) on its database.

    venv/bin/python bench/explain.py [> bench/results/plans-1m.md]

Reads BENCH_DATABASE_URL (default microblog_bench_1m, filled by bench/load.py) and prints, in
Markdown, the plan of the statement each page runs for the benchmark's reader (the person who
follows closest to 50 others), after three untimed runs so the cache is warm. Names of plans
to print may be given as arguments (index1 index50 explore1 explore50 explorecursor profile
apitimeline apifollowers apiusers); all by default.
"""

import os
import sys
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Post, User, follows, hidden_authors_select  # noqa: E402
from app.pagination import cursor_time  # noqa: E402
from tests.conftest import config_for  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/microblog_bench_1m")
DEEP = 49 * 25 - 1  # the cursor of page 50: the last post of page 49


def explain(title: str, statement: sa.Select) -> None:
    sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    for _ in range(3):
        db.session.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + sql)).all()
    plan = db.session.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + sql)).scalars().all()
    print(f"### {title}\n\n```\n" + "\n".join(plan) + "\n```\n")


def main(which: list[str]) -> None:
    app = create_app(config_for(DATABASE_URL))
    with app.app_context():
        first = sa.select(sa.func.min(User.id)).scalar_subquery()
        reader = db.session.scalars(sa.select(User).where(User.id != first)
                                    .order_by(sa.func.abs(User.following_count - 50), User.id).limit(1)).one()
        popular = db.session.scalars(sa.select(User).order_by(User.followers_count.desc(), User.id).limit(1)).one()
        order = (Post.timestamp, Post.id)
        cursor = db.session.scalar(sa.select(Post.id).order_by(Post.timestamp.desc(), Post.id.desc())
                                   .offset(DEEP).limit(1))
        explore = Post.explore_select().where(Post.user_id.not_in(hidden_authors_select(reader.id)))
        followed = sa.select(follows.c.followed_id).where(follows.c.follower_id == reader.id)
        timeline = (Post.explore_select().where(sa.or_(Post.user_id == reader.id, Post.user_id.in_(followed)))
                    .order_by(None))
        plans = {
            "index1": ("/index (page 1): Post.timeline_select, depth 26",
                       lambda: Post.timeline_select(reader, depth=26).limit(26)),
            "index50": ("/index?page=50: Post.timeline_select, depth 1251, OFFSET 1225",
                        lambda: Post.timeline_select(reader, depth=1251).limit(26).offset(1225)),
            "explore1": ("/explore (page 1), signed in", lambda: explore.limit(26)),
            "explore50": ("/explore?page=50 (OFFSET 1225), signed in", lambda: explore.limit(26).offset(1225)),
            "explorecursor": (
                f"/explore?before={cursor} (page 50 by cursor), signed in",
                lambda: explore.order_by(None)
                .where(sa.tuple_(*order) < sa.tuple_(cursor_time(order, cursor, older=True), cursor))
                .order_by(Post.timestamp.desc(), Post.id.desc()).limit(26)),
            "profile": (f"/user/{popular.username} (page 1, {popular.posts_count} posts)",
                        lambda: Post.by_author_select(popular).limit(26)),
            "apitimeline": ("GET /api/timeline (first page)", lambda: timeline.order_by(Post.id.desc()).limit(26)),
            "apifollowers": (f"GET /api/users/{popular.id}/followers ({popular.followers_count} followers), page 1",
                             lambda: popular.followers_select().limit(11)),
            "apiusers": ("GET /api/users: the total of people, counted on every request",
                         lambda: sa.select(sa.func.count()).select_from(User)),
        }
        print(f"Reader `{reader.username}` (follows {reader.following_count}).\n")
        for name in which or list(plans):
            title, statement = plans[name]
            explain(title, statement())
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
