"""The load benchmark: every page and API endpoint under wrk, against the production server.

    make bench-load        (or: venv/bin/python bench/load.py)

Prerequisites: PostgreSQL (BENCH_DATABASE_URL, default the local server as postgres), the
`wrk` command (Debian: `apt-get install -y wrk`), and bench/requirements.txt (matplotlib,
installed by `make bench-load`). The run takes about 10 minutes, most of it under wrk; seeding
a fresh database adds about two minutes per size.

For each size (1,000,000 posts, then 100,000) it:

1. makes sure a database of that name holds `flask seed --users 10000 --posts N --follows 48`
   (the seed command is recorded as the database's comment, so a second run reuses it; any
   other content is dropped and seeded again), migrated to the latest revision, then runs
   VACUUM ANALYZE;
2. picks the reader, the person who follows closest to 50 others, gives them 25 conversations
   of 20 messages (once), and finds the most-followed person and the deep cursors;
3. starts the production server as boot.sh does, `gunicorn microblog:app` with
   gunicorn.conf.py (gthread workers), with WEB_CONCURRENCY workers (BENCH_WORKERS, default 4,
   the issue's `-w 4`), rate limits off, and signs the reader in through the login form and
   takes an API token;
4. drives `wrk -t2 -c32` against every endpoint (a short warm-up, then BENCH_DURATION
   seconds), and the minimal Flask app (bench/minimal_app.py) under the same server settings
   before and after the endpoints;
5. writes the table (requests/s, p50, p99, ratio to the minimal app, the load average before
   each run) and the plot into docs/benchmarks.md and docs/benchmarks-requests.png (between
   the markers, the rest of the page is left alone), and the raw figures to
   bench/results/load.json.

Settings (environment):

- BENCH_DATABASE_URL: the 1,000,000-post database (default microblog_bench_1m on the local
  server as postgres); another size N uses the name ending in `_<N/1000>k` (microblog_bench_100k);
- BENCH_SIZES: the sizes, default `1000000,100000`;
- BENCH_DURATION: seconds of wrk per endpoint, default 10;
- BENCH_WORKERS (default 4), BENCH_THREADS (default gunicorn.conf.py's), BENCH_WORKER_CLASS
  (e.g. `sync`), BENCH_PORT (default 5799);
- BENCH_ONLY: comma-separated endpoint names to measure; BENCH_NO_WRITE=1: print, leave docs/ alone;
- BENCH_PROFILE: comma-separated endpoint names to profile while wrk measures them: py-spy
  (bench/requirements.txt) samples one worker's threads that are not idle, and
  bench/results/profile-<name>-<size>.txt sums the samples by function;
- BENCH_APP_DIR: serve the app from another checkout (e.g. `git archive main | tar -x -C /tmp/base`)
  to compare with it, on the same data and settings.

Besides requests/s and latency, each row has the CPU time per request of the gunicorn workers
and of the PostgreSQL backends serving them (from /proc, same host): on a shared machine the
rates move with everyone else's load, the CPU cost of a request much less.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/microblog_bench_1m")
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000000,100000").split(",")]
USERS, FOLLOWS = 10_000, 48
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARM_UP = 3
WORKERS = os.environ.get("BENCH_WORKERS", "4")
THREADS = os.environ.get("BENCH_THREADS")
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS")
PORT = int(os.environ.get("BENCH_PORT", "5799"))
ONLY = [name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()]
WRITE = os.environ.get("BENCH_NO_WRITE") != "1"
APP_DIR = Path(os.environ.get("BENCH_APP_DIR") or ROOT)
PROFILE = [name.strip() for name in os.environ.get("BENCH_PROFILE", "").split(",") if name.strip()]
WRK = ["wrk", "-t2", "-c32", "--latency"]
SECRET_KEY = "a load-benchmark-only secret key, long enough"
PASSWORD = "microblog-demo"  # every seeded account's (app.seed.DEMO_PASSWORD)
PER_PAGE = 25
DEEP_PAGE = 50
CONVERSATIONS, MESSAGES_EACH = 25, 20
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "benchmarks-requests.png"
START, END = "<!-- load-benchmark:start -->", "<!-- load-benchmark:end -->"


@dataclass
class Run:
    size: int
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    load: str  # /proc/loadavg's 1, 5 and 15 minute averages just before the run
    app_cpu_ms: float  # CPU time of the gunicorn workers per request (user + system)
    database_cpu_ms: float  # CPU time of the PostgreSQL backends serving them, per request


def database_for(size: int) -> str:
    """The database of one size: BENCH_DATABASE_URL for a million posts, a sibling for the others."""
    url = sa.make_url(DATABASE_URL)
    if size == 1_000_000:
        return url.render_as_string(hide_password=False)
    suffix = f"{size // 1000}k" if size % 1000 == 0 else str(size)
    name = re.sub(r"_1m$", "", url.database) + f"_{suffix}"
    return url.set(database=name).render_as_string(hide_password=False)


def seed_spec(size: int) -> str:
    return f"flask seed --users {USERS} --posts {size} --follows {FOLLOWS}"


def app_environment(database_url: str) -> dict[str, str]:
    """The production environment of the server (and of the flask commands run here)."""
    return {
        **os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "TRUSTED_HOSTS": "127.0.0.1,localhost",
        "RATELIMIT_ENABLED": "false", "LOG_TO_STDOUT": "1", "FLASK_APP": "microblog.py", "FLASK_DEBUG": "0",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def prepare_database(size: int) -> str:
    """Create, migrate and seed the database of ``size`` posts unless it already holds exactly that; analyse it."""
    database_url = database_for(size)
    url = sa.make_url(database_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        comment = connection.scalar(sa.text(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :name"),
            {"name": url.database})
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database})
        fresh = comment != seed_spec(size)
        if fresh:
            print(f"Seeding {url.database}: {seed_spec(size)} (about a minute per 500,000 posts)", flush=True)
            if exists:
                connection.execute(sa.text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    environment = app_environment(database_url)
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=environment, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if fresh:
        started = time.perf_counter()
        subprocess.run([str(BIN / "flask"), *seed_spec(size).split()[1:]], cwd=ROOT, env=environment, check=True)
        print(f"Seeded in {time.perf_counter() - started:.0f} s", flush=True)
        with admin.connect() as connection:
            connection.execute(sa.text(f"COMMENT ON DATABASE \"{url.database}\" IS '{seed_spec(size)}'"))
    admin.dispose()
    return database_url


@dataclass
class Targets:
    reader: str
    reader_id: int
    following: int
    popular: str
    popular_id: int
    partner: str
    explore_cursor: int
    profile_page: int  # page 50, or the last page of a person with fewer posts
    profile_cursor: int
    timeline_cursor: int


def prepare_targets(database_url: str) -> Targets:
    """Give the reader their conversations (once), analyse, and find who and what the URLs name."""
    from app import create_app
    from app.extensions import db
    from app.models import ConversationMember, Message, Post, User, follows, vacuum_analyze
    from tests.conftest import config_for

    app = create_app(config_for(database_url))
    with app.app_context():
        reader = db.session.scalars(
            sa.select(User).where(User.id != sa.select(sa.func.min(User.id)).scalar_subquery())
            .order_by(sa.func.abs(User.following_count - 50), User.id).limit(1)
        ).one()
        popular = db.session.scalars(sa.select(User).order_by(User.followers_count.desc(), User.id).limit(1)).one()
        if not db.session.scalar(sa.select(sa.func.count()).select_from(ConversationMember)
                                 .where(ConversationMember.user_id == reader.id)):
            partners = db.session.scalars(
                sa.select(User).where(User.id != reader.id).order_by(User.id.desc()).limit(CONVERSATIONS)).all()
            for partner in partners:
                for n in range(MESSAGES_EACH):
                    sender, recipient = (partner, reader) if n % 2 == 0 else (reader, partner)
                    Message.send(sender, recipient, f"Message {n} between {sender.username} and {recipient.username}")
            db.session.commit()
        partner = db.session.scalars(ConversationMember.list_select(reader).limit(1)).one().other_user
        vacuum_analyze("users", "posts", "follows", "conversations", "conversation_members", "messages",
                       "notifications", "tokens")
        deep = (DEEP_PAGE - 1) * PER_PAGE - 1  # the cursor of page 50: the last post of page 49

        def nth(select: sa.Select) -> int:
            return db.session.scalar(select.offset(deep).limit(1))

        followed = sa.select(follows.c.followed_id).where(follows.c.follower_id == reader.id)
        targets = Targets(
            reader=reader.username, reader_id=reader.id, following=reader.following_count,
            popular=popular.username, popular_id=popular.id, partner=partner.username,
            explore_cursor=nth(sa.select(Post.id).order_by(Post.timestamp.desc(), Post.id.desc())),
            profile_page=min(DEEP_PAGE, (popular.posts_count - 1) // PER_PAGE + 1),
            profile_cursor=db.session.scalar(
                sa.select(Post.id).where(Post.user_id == popular.id).order_by(Post.timestamp.desc(), Post.id.desc())
                .offset(max(0, (min(DEEP_PAGE, (popular.posts_count - 1) // PER_PAGE + 1) - 1) * PER_PAGE - 1))
                .limit(1)),
            timeline_cursor=nth(sa.select(Post.id).where(sa.or_(Post.user_id == reader.id, Post.user_id.in_(followed)))
                                .order_by(Post.id.desc())),
        )
        db.session.remove()
        db.engine.dispose()
    return targets


def endpoints(targets: Targets) -> list[tuple[str, str, str]]:
    """(name, path, credential) of every measured endpoint; credential is "cookie" or "token"."""
    return [
        ("/index", "/index", "cookie"),
        ("/index?page=50", "/index?page=50", "cookie"),
        ("/explore", "/explore", "cookie"),
        ("/explore?page=50", "/explore?page=50", "cookie"),
        ("/explore?before= (page 50)", f"/explore?before={targets.explore_cursor}", "cookie"),
        ("/user/<most followed>", f"/user/{targets.popular}", "cookie"),
        (f"/user/<most followed>?before= (page {targets.profile_page})",
         f"/user/{targets.popular}?before={targets.profile_cursor}", "cookie"),
        ("/messages", "/messages", "cookie"),
        ("/messages/<someone>", f"/messages/{targets.partner}", "cookie"),
        ("/notifications", "/notifications", "cookie"),
        ("GET /api/users/<id>", f"/api/users/{targets.popular_id}", "token"),
        ("GET /api/users", "/api/users", "token"),
        ("GET /api/users/<id>/followers", f"/api/users/{targets.popular_id}/followers", "token"),
        ("GET /api/timeline", "/api/timeline", "token"),
        ("GET /api/timeline?before= (page 50)", f"/api/timeline?before={targets.timeline_cursor}", "token"),
    ]


class Server:
    """gunicorn with gunicorn.conf.py, as boot.sh starts it, on BENCH_PORT."""

    def __init__(self, application: str, database_url: str, log_name: str, directory: Path = APP_DIR):
        environment = {**app_environment(database_url), "GUNICORN_BIND": f"127.0.0.1:{PORT}",
                       "WEB_CONCURRENCY": WORKERS}
        if THREADS:
            environment["GUNICORN_THREADS"] = THREADS
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", PORT)) == 0:
                raise RuntimeError(f"something already listens on port {PORT}; set BENCH_PORT")
        command = [str(BIN / "gunicorn"), application]
        if WORKER_CLASS:
            command += ["--worker-class", WORKER_CLASS]
        RESULTS.mkdir(exist_ok=True)
        self.log = open(RESULTS / f"{log_name}.log.tmp", "w")  # noqa: SIM115
        self.process = subprocess.Popen(command, cwd=directory, env=environment, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.base = f"http://127.0.0.1:{PORT}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {self.log.name}")
            try:
                requests.get(self.base + "/", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within two minutes")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


def sign_in(base: str, username: str) -> tuple[str, str]:
    """The reader's session cookie (through the login form) and an API token."""
    browser = requests.Session()
    page = browser.get(f"{base}/auth/login").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = browser.post(f"{base}/auth/login", data={"username": username, "password": PASSWORD,
                                                      "csrf_token": csrf}, allow_redirects=False)
    if answer.status_code != 302:
        raise RuntimeError(f"could not sign in as {username}: {answer.status_code}")
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    token = requests.post(f"{base}/api/tokens", auth=(username, PASSWORD), json={"device": "load benchmark"})
    token.raise_for_status()
    return cookie, token.json()["token"]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wrk(url: str, headers: list[str], seconds: int) -> tuple[float, float, float, int, int]:
    """Requests/s, p50 and p99 in ms, the count of non-2xx/3xx answers and socket errors, and of requests."""
    command = [*WRK, f"-d{seconds}s", *[part for header in headers for part in ("-H", header)], url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = {int(p): milliseconds(value) for p, value in re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.M)}
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    if 50 not in percentiles or 99 not in percentiles:
        raise RuntimeError(f"wrk gave no latency distribution:\n{output}")
    return rate, percentiles[50], percentiles[99], errors, int(re.search(r"(\d+) requests in", output).group(1))


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (all their threads), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def worker_pids(server: "Server") -> list[int]:
    master = server.process.pid
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def backend_pids(database_url: str | None) -> list[int]:
    """The PostgreSQL server processes connected to the benchmark's database (same host)."""
    if database_url is None:
        return []
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")))
    finally:
        engine.dispose()


def milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def measure(size: int, name: str, url: str, headers: list[str], server: "Server",
            database_url: str | None = None) -> Run:
    wrk(url, headers, WARM_UP)
    workers, backends = worker_pids(server), backend_pids(database_url)
    load = load_average()
    app_cpu, database_cpu = cpu_seconds(workers), cpu_seconds(backends)
    profiler = start_profiler(workers[0], name) if name in PROFILE else None
    rate, p50, p99, errors, count = wrk(url, headers, DURATION)
    if profiler:
        finish_profile(profiler, size, name)
    app_cpu = (cpu_seconds(workers) - app_cpu) * 1000 / count
    database_cpu = max(0.0, cpu_seconds(backends) - database_cpu) * 1000 / count  # 0 if a backend left
    run = Run(size, name, url.split(str(PORT), 1)[-1], rate, p50, p99, errors, load, app_cpu, database_cpu)
    print(f"  {name:45} {rate:8.0f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  CPU app {app_cpu:5.2f} ms"
          f" db {database_cpu:5.2f} ms  load {load}" + (f"  ERRORS {errors}" if errors else ""), flush=True)
    return run


def start_profiler(pid: int, name: str) -> subprocess.Popen:
    raw = RESULTS / "profile.raw.tmp"
    return subprocess.Popen([str(BIN / "py-spy"), "record", "--pid", str(pid), "--duration", str(DURATION - 1),
                             "--rate", "250", "--nonblocking", "--format", "raw", "--output", str(raw)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def finish_profile(profiler: subprocess.Popen, size: int, name: str) -> None:
    """Sum py-spy's samples by function: the share of samples in which each was on the stack, and at its top."""
    profiler.wait(timeout=60)
    raw = RESULTS / "profile.raw.tmp"
    total, inclusive, own = 0, Counter(), Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [re.sub(r" \((?:.*/)?(?:site-packages/)?([^/]*?/?[^/]+:\d+)\)$", r" (\1)", frame)
                  for frame in stack.split(";")]
        total += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
        own[frames[-1]] += int(count)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    lines = [f"py-spy (threads not idle), one worker, {name}, {size:,} posts: {total} samples", "", "on the stack:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(60)]
    lines += ["", "at the top:"] + [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(30)]
    (RESULTS / f"profile-{slug}-{size}.txt").write_text("\n".join(lines) + "\n")
    raw.unlink()


def measure_minimal(size: int, database_url: str, label: str) -> Run:
    server = Server("bench.minimal_app:app", database_url, "minimal", directory=ROOT)
    try:
        return measure(size, f"minimal Flask app ({label})", f"{server.base}/", [], server)
    finally:
        server.stop()


def measure_size(size: int) -> tuple[list[Run], Targets]:
    database_url = prepare_database(size)
    targets = prepare_targets(database_url)
    print(f"{size:,} posts: reader {targets.reader} (follows {targets.following}), most followed "
          f"{targets.popular}, conversation with {targets.partner}", flush=True)
    runs = [measure_minimal(size, database_url, "before")]
    server = Server("microblog:app", database_url, f"microblog-{size}")
    try:
        cookie, token = sign_in(server.base, targets.reader)
        credentials = {"cookie": [f"Cookie: {cookie}"], "token": [f"Authorization: Bearer {token}"]}
        for name, path, credential in endpoints(targets):
            if ONLY and name not in ONLY:
                continue
            headers = credentials[credential]
            check = requests.get(server.base + path, headers=dict(h.split(": ", 1) for h in headers),
                                 allow_redirects=False)
            if check.status_code != 200:
                raise RuntimeError(f"{path} answered {check.status_code}: {check.text[:300]}")
            runs.append(measure(size, name, server.base + path, headers, server, database_url))
    finally:
        server.stop()
    runs.append(measure_minimal(size, database_url, "after"))
    return runs, targets


def server_settings() -> str:
    threads = THREADS or "gunicorn.conf.py's default (200)"
    worker_class = WORKER_CLASS or "gthread (gunicorn.conf.py)"
    return (f"`gunicorn microblog:app` with gunicorn.conf.py as boot.sh starts it: {WORKERS} workers "
            f"(`WEB_CONCURRENCY`), worker class {worker_class}, threads {threads}, access log on; "
            f"`RATELIMIT_ENABLED=false`, no `REDIS_URL`. Client: `{' '.join(WRK)} -d{DURATION}s` "
            f"after a {WARM_UP} s warm-up, on the same machine.")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    python = sys.version.split()[0]
    engine = sa.create_engine(DATABASE_URL)
    with engine.connect() as connection:
        postgres = connection.scalar(sa.text("SHOW server_version"))
    engine.dispose()
    return f"{os.cpu_count()} vCPUs ({cpu}), {memory} GiB, Python {python}, PostgreSQL {postgres} on the same host"


def minimal_rate(runs: list[Run], size: int) -> float:
    rates = [run.requests_per_second for run in runs if run.size == size and run.name.startswith("minimal")]
    return sum(rates) / len(rates)


def table(runs: list[Run]) -> str:
    sizes = sorted({run.size for run in runs}, reverse=True)
    lines = []
    for size in sizes:
        baseline = minimal_rate(runs, size)
        lines += [f"**{size:,} posts** (minimal app: {baseline:,.0f} req/s, the mean of the runs before and after)",
                  "", "| endpoint | requests/s | p50 ms | p99 ms | ratio to the minimal app | CPU ms/request: app |"
                  " PostgreSQL | load average before |",
                  "|---|---:|---:|---:|---:|---:|---:|---|"]
        for run in (run for run in runs if run.size == size):
            errors = f" ({run.errors} errors)" if run.errors else ""
            lines.append(f"| `{run.name}`{errors} | {run.requests_per_second:,.0f} | {run.p50_ms:.1f} | "
                         f"{run.p99_ms:.1f} | {run.requests_per_second / baseline:.3f} | {run.app_cpu_ms:.2f} | "
                         f"{run.database_cpu_ms:.2f} | {run.load} |")
        lines.append("")
    if len(sizes) == 2:
        big, small = sizes
        lines += [f"**{small:,} → {big:,} posts**: the time per request at {big:,} posts over the time at "
                  f"{small:,} (the ratio of the minimal-app ratios, so the machine's load between the runs "
                  f"cancels out; target ≤ 1.2), and the same for the CPU time per request (app and PostgreSQL)",
                  "", "| endpoint | time ratio | CPU ratio |", "|---|---:|---:|"]
        small_runs = {run.name: run for run in runs if run.size == small}
        for run in (run for run in runs if run.size == big and not run.name.startswith("minimal")):
            other = small_runs.get(run.name)
            if other:
                cost = (other.requests_per_second / minimal_rate(runs, small)) / (
                    run.requests_per_second / minimal_rate(runs, big))
                cpu = (run.app_cpu_ms + run.database_cpu_ms) / max(other.app_cpu_ms + other.database_cpu_ms, 1e-9)
                lines.append(f"| `{run.name}` | {cost:.2f} | {cpu:.2f} |")
        lines.append("")
    return "\n".join(lines)


def plot(runs: list[Run]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted({run.size for run in runs}, reverse=True)
    names = [run.name for run in runs if run.size == sizes[0] and not run.name.startswith("minimal")]
    figure, axes = plt.subplots(figsize=(10, 0.42 * len(names) + 1.6))
    height = 0.8 / len(sizes)
    for n, size in enumerate(sizes):
        rates = {run.name: run.requests_per_second for run in runs if run.size == size}
        positions = [i + n * height for i in range(len(names))]
        axes.barh(positions, [rates.get(name, 0) for name in names], height=height, label=f"{size:,} posts")
        axes.axvline(minimal_rate(runs, size), linestyle="--", linewidth=1, color=f"C{n}",
                     label=f"minimal Flask app ({size:,} posts run)")
    axes.set_yticks([i + height * (len(sizes) - 1) / 2 for i in range(len(names))], names, fontsize=8)
    axes.invert_yaxis()
    axes.set_xscale("log")
    axes.set_xlabel("requests/s (wrk -t2 -c32), logarithmic")
    axes.set_title(f"microblog under load, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    figure.savefig(PLOT, dpi=110)
    plt.close(figure)


def write_doc(runs: list[Run], targets: dict[int, Targets]) -> None:
    people = "; ".join(
        f"{size:,} posts: reader `{t.reader}` follows {t.following}, most followed `{t.popular}`"
        for size, t in sorted(targets.items(), reverse=True))
    generated = "\n".join([
        START,
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench-load`.",
        "",
        f"- Machine: {machine()}.",
        f"- Server: {server_settings()}",
        f"- Data: `{seed_spec(max(targets))}` (and `--posts` of each size), then VACUUM ANALYZE. {people}; the "
        f"reader has {CONVERSATIONS} conversations of {MESSAGES_EACH} messages. Deep pages are page {DEEP_PAGE} "
        f"(posts {(DEEP_PAGE - 1) * PER_PAGE + 1:,} to {DEEP_PAGE * PER_PAGE:,}).",
        "",
        table(runs),
        "![requests/s per endpoint](benchmarks-requests.png)",
        END,
    ])
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(before + generated + after)


def main() -> None:
    for program in ("wrk",):
        if subprocess.run(["which", program], capture_output=True).returncode:
            sys.exit(f"{program} is missing: apt-get install -y {program}")
    runs: list[Run] = []
    targets: dict[int, Targets] = {}
    for size in SIZES:
        size_runs, targets[size] = measure_size(size)
        runs += size_runs
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(
        {"measured": datetime.now(UTC).isoformat(), "settings": server_settings(),
         "runs": [asdict(run) for run in runs], "targets": {size: asdict(t) for size, t in targets.items()}},
        indent=2))
    print(table(runs))
    if WRITE:
        plot(runs)
        write_doc(runs, targets)
        print(f"Wrote {DOC.relative_to(ROOT)} and {PLOT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
