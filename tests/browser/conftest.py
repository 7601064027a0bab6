"""A live server on a free local port and Debian's Chromium driven by Playwright."""

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import config_for, migrate, service_missing
from tests.fake_translation import FakeTranslationService, fake_service

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.browser

LIVE_SETTINGS = {
    "POSTS_PER_PAGE": 10,
    "MESSAGES_PER_PAGE": 5,
    # Fast polling, so a test sees a badge change within a second or two.
    "NOTIFICATION_POLL_INTERVAL": 0.5,
    # The browser tests run under the default Content-Security-Policy, which forbids inline
    # scripts and styles: every script and style is a static file.
}


@dataclass
class LiveServer:
    app: Flask
    url: str

    def screenshot(self, page, name: str) -> Path:
        """Save a full-page screenshot under tests/artifacts/ for people to look at."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


def start_server(app: Flask) -> tuple[object, threading.Thread]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    return server, thread


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The app on SQLite, migrated, served over HTTP on 127.0.0.1."""
    from app import create_app

    url = "sqlite:///" + str(tmp_path_factory.mktemp("live") / "live.db")
    migrate(url)
    app = create_app(config_for(url, **LIVE_SETTINGS))
    server, thread = start_server(app)
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_translator(live_server) -> Iterator[FakeTranslationService]:
    """A local Microsoft Translator that the live server uses for the length of a test."""
    saved = dict(live_server.app.config)
    with fake_service("microsoft") as service:
        service.configure(live_server.app.config)
        try:
            yield service
        finally:
            live_server.app.config.update(saved)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium; never a downloaded browser."""
    if not os.path.exists(CHROMIUM):
        service_missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (separate cookies: separate people)."""
    contexts = []

    def open_page(viewport=None, **options):
        """A page in a new context; ``options`` go to the context (``locale="es-ES"``, ...)."""
        context = browser.new_context(viewport=viewport or {"width": 1200, "height": 900}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(items):
    """Chromium drops requests it no longer needs (a page left mid-load); the threaded live server then
    leaves that static file to the garbage collector, whose ResourceWarning lands in whichever test runs."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))
