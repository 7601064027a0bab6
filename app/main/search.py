"""The search page: people and posts matching what was typed in the navbar's box."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import _
from flask_login import current_user, login_required

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
from ..web import query_int
from . import bp


@bp.route("/search")
@login_required
def search():
    """Search people and posts: ``q`` the expression, ``page`` the page of posts."""
    expression = request.args.get("q", "")
    if not expression.strip():
        return redirect(url_for("main.explore"))
    page_number = query_int("page", 1, minimum=1)
    try:
        query = SearchQuery.parse(expression)
    except QueryHasControlCharacters:
        abort(400, description="The search contains control characters.")
    except QueryRefused as refusal:
        return render_template("main/search.html", title=_("Search"), q=expression, refusal=refusal_message(refusal))
    try:
        people = User.search(query, 1, current_app.config["SEARCH_PEOPLE_SHOWN"]).items if page_number == 1 else []
        posts = Post.search(query, page_number, current_app.config["POSTS_PER_PAGE"])
        Post.load_reader_state(posts.items, current_user)
    except SearchTooBroad:
        refusal = _("That search matches too many posts to rank in time. Please add a word or use a longer one.")
        return render_template("main/search.html", title=_("Search"), q=expression, refusal=refusal)
    except SearchUnavailable as error:
        current_app.logger.error("Search failed: %s", error)
        return render_template("main/search.html", title=_("Search"), q=expression, unavailable=True), 503
    return render_template(
        "main/search.html", title=_("Search"), q=expression, people=people, page=posts, highlight=query.highlight
    )


def refusal_message(refusal: QueryRefused) -> str:
    if isinstance(refusal, QueryTooLong):
        return _("That search is too long. Please use at most %(count)d characters.", count=MAX_QUERY_LENGTH)
    if isinstance(refusal, QueryHasTooManyWords):
        return _("That search has too many words. Please use at most %(count)d.", count=MAX_QUERY_WORDS)
    return _("Please type a word to look for: a search made only of exclusions or punctuation finds nothing.")
