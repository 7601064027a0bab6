"""The service itself: its version and its health, for load balancers and monitors (no login)."""

import requests
import sqlalchemy as sa
from apifairy import other_responses, response
from flask import current_app
from redis import Redis
from rq.worker import Worker

from .. import __version__
from ..extensions import db
from ..jobs import RedisQueue, get_queue
from . import bp
from .schemas import HealthSchema, VersionSchema

API_VERSION = "1"


@bp.route("/version", methods=["GET"])
@response(VersionSchema)
def get_version():
    """The application's and the API's versions"""
    return {"version": __version__, "api_version": API_VERSION}


@bp.route("/health", methods=["GET"])
@response(HealthSchema)
@other_responses({503: (HealthSchema, "The database is unreachable.")})
def get_health():
    """Whether the database, Redis and the search engine answer, and how many workers run"""
    checks = {"database": check_database(), "redis": check_redis(), "search": check_search()}
    if checks["database"] != "ok":
        status, code = "down", 503
    elif any(result not in ("ok", "not configured") for result in checks.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return {"status": status, **checks, "workers": count_workers()}, code


def check_database() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except Exception as error:  # any failure means "not usable"; the detail goes to the log
        db.session.rollback()
        current_app.logger.warning("health: database: %s", error)
        return "unreachable"
    return "ok"


def check_redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    try:
        Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception as error:
        current_app.logger.warning("health: redis: %s", error)
        return "unreachable"
    return "ok"


def check_search() -> str:
    url = current_app.config.get("ELASTICSEARCH_URL")
    if not url:
        return "not configured"
    try:
        answer = requests.get(url, timeout=2)
        if answer.status_code >= 500:
            return f"answered {answer.status_code}"
    except Exception as error:
        current_app.logger.warning("health: search: %s", error)
        return "unreachable"
    return "ok"


def count_workers() -> int | None:
    """RQ workers listening on the task queue; 1 for the in-process worker; None if Redis is unreachable."""
    task_queue = get_queue()
    if not isinstance(task_queue, RedisQueue):
        return 1
    try:
        return Worker.count(queue=task_queue.queue)
    except Exception as error:
        current_app.logger.warning("health: workers: %s", error)
        return None
