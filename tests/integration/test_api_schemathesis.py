"""Schemathesis against the served /api/openapi.json: generated requests, with a valid token,
never get a 500, and every response matches the document (status code, content type, body schema)."""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from app.extensions import db
from app.jobs import get_queue
from app.models import ChatRoom, Message, Post, Token

# Examples per operation: enough to reach every documented error, small enough for CI (about a minute).
EXAMPLES_PER_OPERATION = 25
STATUSES: dict[str, Counter] = {}
# A well-formed request may still be refused for what it asks: a 409 (already following) or a
# 422 (following or writing to yourself) is a correct answer to valid data.
CONFIG = SchemathesisConfig.from_dict({
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]}},
})


@pytest.fixture
def api_schema(app, make_user, tmp_path):
    """The document as the app serves it, with people, a post, a conversation and a chat room to find."""
    john, susan = make_user("john"), make_user("susan")
    post = Post.publish(susan, "a post by susan about #flask")
    Post.publish(john, "a reply by john", in_reply_to=post.id)
    Message.send(susan, john, "hello john")
    ChatRoom.create("general", susan).post(susan, "hello room")
    db.session.commit()
    app.config["API_TEST_PERSON_ID"] = john.id
    app.config["AVATAR_DIR"] = str(tmp_path / "avatars")
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture,
])
def test_the_api_keeps_to_its_document(app, case):
    # A fresh token for every example: a generated DELETE /api/tokens or password change ends the one used.
    john = db.session.get(Token.user.property.mapper.class_, app.config["API_TEST_PERSON_ID"])
    if john is None:  # pragma: no cover - nothing the API offers deletes an account
        pytest.fail("john is gone")
    _, secret = Token.issue(john, 3600)
    db.session.commit()
    headers = dict(case.headers or {})
    if "Authorization" in headers:  # absent only in the negative examples that test refusing anonymous calls
        headers["Authorization"] = f"Bearer {secret}"
    response = case.call_and_validate(headers=headers, excluded_checks=excluded_checks(case))
    get_queue().join()  # a generated export runs to its end inside the example
    STATUSES.setdefault(f"{case.method} {case.path}", Counter())[response.status_code] += 1
    db.session.rollback()


def excluded_checks(case) -> list:
    """Extra query parameters and body fields are ignored by design, so negative examples built
    from them are accepted; "format: email" cannot say that addresses at special-use domains
    (".test", ".local") are refused, so a generated one may be, rightly, a 400; nor can it say
    that ``in_reply_to`` must name a post that exists (a generated id rarely does: a 400), or,
    for "format: binary", that the bytes must be a picture."""
    if case.operation.label in ("POST /api/users", "POST /api/posts", "PUT /api/users/{id}/avatar"):
        return [negative_data_rejection, positive_data_acceptance]
    return [negative_data_rejection]


def teardown_module():
    """With -s: the answers the examples got, per operation, and how many examples ran."""
    for operation, counter in sorted(STATUSES.items()):
        print(operation, dict(counter))
    print("schemathesis examples:", sum(sum(counter.values()) for counter in STATUSES.values()))
