"""boot.sh migrates, compiles the translations and serves the app with gunicorn."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 90.0) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status, response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def boot_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "MAIL_"))}
    environment.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}",
        FLASK_APP="microblog.py",
        DATABASE_URL=f"sqlite:///{tmp_path / 'boot.db'}",
        LOG_TO_STDOUT="1",
        WEB_CONCURRENCY="1",
        TRUSTED_HOSTS="127.0.0.1",
        **extra,
    )
    return environment


def test_boot_script_serves_the_migrated_app(tmp_path):
    port = free_port()
    environment = boot_environment(tmp_path, SECRET_KEY="a secret only this test knows, long enough", PORT=str(port))
    process = subprocess.Popen(["./boot.sh"], cwd=ROOT, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        status, page = get(f"http://127.0.0.1:{port}/auth/login")
        assert status == 200 and 'name="username"' in page
        engine = sa.create_engine(environment["DATABASE_URL"])
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
        engine.dispose()
        assert {"users", "posts", "follows", "alembic_version"} <= tables
        assert (ROOT / "app/translations/es/LC_MESSAGES/messages.mo").exists()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert "Booting worker" in output


def test_start_up_without_a_secret_key_is_refused(tmp_path):
    environment = boot_environment(tmp_path)
    environment.pop("SECRET_KEY", None)
    result = subprocess.run(["./boot.sh"], cwd=ROOT, env={**environment, "DB_UPGRADE_ATTEMPTS": "1"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_start_up_without_server_name_or_trusted_hosts_is_refused(tmp_path):
    environment = boot_environment(tmp_path, SECRET_KEY="a secret only this test knows, long enough")
    environment.pop("TRUSTED_HOSTS")
    environment.pop("SERVER_NAME", None)
    result = subprocess.run(["./boot.sh"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Neither SERVER_NAME nor TRUSTED_HOSTS is set" in result.stderr
    assert "database not ready" not in result.stderr  # refused at once, not retried


def test_start_up_with_a_short_secret_key_is_refused(tmp_path):
    environment = boot_environment(tmp_path, SECRET_KEY="too short")
    result = subprocess.run(["./boot.sh"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY is shorter than 32 bytes" in result.stderr
