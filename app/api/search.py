"""Search: posts matching an expression, most relevant first, and on the first page the people."""

from math import ceil

from apifairy import arguments, authenticate, other_responses, response
from flask import abort, current_app, url_for
from flask_marshmallow.schema import Schema
from marshmallow import fields

from ..models import Post, User
from ..search import (
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    QueryHasControlCharacters,
    QueryHasTooManyWords,
    QueryRefused,
    QueryTooLong,
    SearchQuery,
    SearchTooBroad,
    SearchUnavailable,
)
from ..web import InvalidInput
from . import bp
from .auth import current_person, token_auth
from .collections import MAX_LIMIT, CollectionLinksSchema, PageArgsSchema
from .errors import documented
from .schemas import PostSchema, UserSchema

# Search refuses every control character (Unicode Cc) but tab and line breaks, C1 included.
NO_CONTROL_CHARACTERS_AT_ALL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"


class SearchArgsSchema(PageArgsSchema):
    q = fields.String(required=True, metadata={
        "description": 'Words; "a phrase"; -excluded. Refused with a 422 when it has no word to look for '
                       f"or more than {MAX_QUERY_WORDS} words.",
        "minLength": 1, "maxLength": MAX_QUERY_LENGTH, "pattern": NO_CONTROL_CHARACTERS_AT_ALL,
    })


class SearchMetaSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total_items = fields.Integer(required=True, allow_none=True, metadata={"description": "null past the end"})
    total_pages = fields.Integer(required=True, allow_none=True)


class SearchResultsSchema(Schema):
    items = fields.List(fields.Nested(PostSchema), required=True, metadata={"description": "Posts, best first."})
    people = fields.List(fields.Nested(UserSchema), required=True, metadata={"description": "On page 1 only."})
    _meta = fields.Nested(SearchMetaSchema, required=True)
    _links = fields.Nested(CollectionLinksSchema, required=True)


@bp.route("/search", methods=["GET"])
@authenticate(token_auth)
@arguments(SearchArgsSchema)
@response(SearchResultsSchema)
@other_responses(documented(400, 422, 503))
def search(args: dict):
    """Search posts (and, on page 1, people): most relevant first, then newest"""
    number, per_page = args["page"], min(args["per_page"], MAX_LIMIT)
    try:
        query = SearchQuery.parse(args["q"])
        people = User.search(query, 1, current_app.config["SEARCH_PEOPLE_SHOWN"]).items if number == 1 else []
        posts = Post.search(query, number, per_page)
        Post.load_reader_state(posts.items, current_person())
    except (QueryTooLong, QueryHasControlCharacters) as refusal:
        raise InvalidInput({"q": [refusal_reason(refusal)]}, "The search cannot be run.") from None
    except QueryRefused as refusal:  # well formed, but nothing a search can do with it
        abort(422, refusal_reason(refusal))
    except SearchTooBroad:
        abort(422, "That search matches too many posts to rank in time. Add a word or use a longer one.")
    except SearchUnavailable as error:
        current_app.logger.error("Search failed: %s", error)
        abort(503, "Search is unavailable right now.")

    def link(page: int) -> str:
        return url_for("api.search", q=args["q"], page=page, per_page=per_page)

    return {
        "items": posts.items,
        "people": people,
        "_meta": {"page": number, "per_page": per_page, "total_items": posts.total,
                  "total_pages": None if posts.total is None else ceil(posts.total / per_page)},
        "_links": {"self": link(number), "next": link(number + 1) if posts.has_next else None,
                   "prev": link(number - 1) if posts.has_prev else None},
    }


def refusal_reason(refusal: QueryRefused) -> str:
    if isinstance(refusal, QueryTooLong):
        return f"Use at most {MAX_QUERY_LENGTH} characters."
    if isinstance(refusal, QueryHasTooManyWords):
        return f"Use at most {MAX_QUERY_WORDS} words."
    if isinstance(refusal, QueryHasControlCharacters):
        return "Remove the control characters."
    return "Type a word to look for: exclusions and punctuation alone find nothing."
