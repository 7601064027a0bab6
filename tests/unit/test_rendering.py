"""The rendering fast paths (app/rendering.py) give exactly what Flask, Flask-Babel and Jinja give."""

from datetime import UTC, datetime

import flask_babel
import pytest
from flask import render_template_string, url_for

from app import create_app
from app.rendering import cached_url_for, svg_icon, time_ago, time_of_day
from tests.conftest import config_for

# The macros these helpers replace, as _ui.html had them.
OLD_MACROS = """
{%- macro icon(name, class_='', label=None) -%}
<svg class="icon {{ class_ }}" {% if label %}role="img" aria-label="{{ label }}"{% else %}aria-hidden="true" focusable="false"{% endif %}><use href="{{ url_for('static', filename='img/icons.svg') }}#{{ name }}"></use></svg>
{%- endmacro %}
{%- macro ago(timestamp) -%}
<time class="flask-moment" datetime="{{ timestamp.strftime('%Y-%m-%dT%H:%M:%SZ') }}" data-timestamp="{{ timestamp.strftime('%Y-%m-%dT%H:%M:%SZ') }}" data-function="fromNow" data-refresh="60000">{{ timestamp|datetimeformat('medium') }}</time>
{%- endmacro %}
{%- macro clock(timestamp) -%}
<time class="flask-moment" datetime="{{ timestamp.strftime('%Y-%m-%dT%H:%M:%SZ') }}" data-timestamp="{{ timestamp.strftime('%Y-%m-%dT%H:%M:%SZ') }}" data-function="format" data-format="LT">{{ timestamp|timeformat('short') }}</time>
{%- endmacro %}
"""  # noqa: E501


@pytest.fixture
def app():
    return create_app(config_for("sqlite://"))


CASES = [
    ("main.user", {"username": "susan"}),
    ("main.user", {"username": "sü san/x?y"}),
    ("main.avatar", {"user_id": 7, "s": 48}),
    ("main.explore", {"before": 12, "page": 2}),
    ("static", {"filename": "img/icons.svg"}),
    ("main.index", {"_anchor": "post"}),
    ("main.search", {"q": ["a", "b"]}),  # unhashable: built every time
]


@pytest.mark.parametrize("script_root", ["", "/microblog"])
def test_cached_url_for_builds_what_url_for_builds(app, script_root):
    with app.test_request_context("/", base_url=f"http://localhost{script_root}"):
        for endpoint, values in CASES:
            expected = url_for(endpoint, **values)
            assert cached_url_for(endpoint, **values) == expected
            assert cached_url_for(endpoint, **values) == expected  # from the cache
        assert cached_url_for("main.user", username="susan").startswith(f"{script_root}/user/")


def test_cached_url_for_keeps_script_roots_and_apps_apart(app):
    with app.test_request_context("/", base_url="http://localhost/a"):
        assert cached_url_for("main.explore") == "/a/explore"
    with app.test_request_context("/"):
        assert cached_url_for("main.explore") == "/explore"
    other = create_app(config_for("sqlite://"))
    with other.test_request_context("/"):
        assert cached_url_for("main.explore") == "/explore"
    assert other.extensions["url_cache"] is not app.extensions["url_cache"]


def test_absolute_urls_are_never_remembered(app):
    with app.test_request_context("/", base_url="http://one.example"):
        assert cached_url_for("main.explore", _external=True) == "http://one.example/explore"
    with app.test_request_context("/", base_url="http://two.example"):
        assert cached_url_for("main.explore", _external=True) == "http://two.example/explore"
    assert not any("_external" in str(key) for key in app.extensions["url_cache"])


def test_templates_use_the_remembering_url_for(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('main.user', username='a b') }}") == "/user/a%20b"
    assert any(key[1] == "main.user" for key in app.extensions["url_cache"])


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_ago_and_clock_render_as_the_macros_did(app, language):
    moments = [datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC), datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)]
    with app.test_request_context("/", headers={"Cookie": f"language={language}"}):
        old = app.jinja_env.from_string(OLD_MACROS).module
        for moment in moments:
            assert str(time_ago(moment)) == str(old.ago(moment))
            assert str(time_of_day(moment)) == str(old.clock(moment))
        page = render_template_string("{% from '_ui.html' import ago, clock %}{{ ago(m) }}{{ clock(m) }}",
                                      m=moments[0])
        assert page == str(old.ago(moments[0])) + str(old.clock(moments[0]))


def test_remembered_dates_follow_the_language(app):
    moment = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    shown = {}
    for language in ("en", "de", "en"):
        with app.test_request_context("/", headers={"Cookie": f"language={language}"}):
            shown.setdefault(language, set()).add(render_template_string("{{ m|datetimeformat('medium') }}", m=moment))
            assert render_template_string("{{ m|datetimeformat('medium') }}", m=moment) == \
                flask_babel.format_datetime(moment, "medium")
    assert len(shown["en"]) == 1 and shown["en"] != shown["de"]


def test_template_translations_follow_a_language_change_within_a_request(app):
    with app.test_request_context("/", headers={"Cookie": "language=es"}):
        assert render_template_string("{{ _('Explore') }}") == "Explorar"
        with flask_babel.force_locale("de"):
            assert render_template_string("{{ _('Explore') }}") == "Entdecken"
        assert render_template_string("{{ _('Explore') }}") == "Explorar"
        flask_babel.get_babel().locale_selector = lambda: "de"
        try:
            flask_babel.refresh()
            assert render_template_string("{{ _('Explore') }}") == "Entdecken"
        finally:
            flask_babel.get_babel().locale_selector = None
    with app.test_request_context("/"):
        assert render_template_string("{{ _('%(n)s posts', n=3) }}") == "3 posts"


def test_imported_macros_still_see_the_page_globals(app):
    with app.test_request_context("/"):
        icon = render_template_string("{% from '_ui.html' import icon %}{{ icon('house') }}")
        assert 'href="/static/img/icons.svg#house"' in icon
        assert app.jinja_env.get_template("_ui.html").globals.keys() >= {"url_for", "time_ago"}


@pytest.mark.parametrize("arguments", [
    ("house",), ("house", "icon-lg"), ("x", "", "Close <now> & \"then\""), ("a\"b", "c<d"), ("star",), ("star", None),
])
def test_icon_renders_as_the_macro_did(app, arguments):
    with app.test_request_context("/", base_url="http://localhost/root"):
        old = app.jinja_env.from_string(OLD_MACROS).module
        assert str(svg_icon(*arguments)) == str(old.icon(*arguments))
        assert str(svg_icon("house", label="Home")) == str(old.icon("house", label="Home"))
        page = render_template_string("{% from '_ui.html' import icon %}{{ icon('house', class_='big') }}")
        assert page == str(old.icon("house", class_="big"))


def test_templates_are_kept_in_a_plain_dict_without_a_lock(app):
    with app.test_request_context("/"):
        render_template_string("{% from '_ui.html' import icon %}{{ icon('house') }}")
    assert type(app.jinja_env.cache) is dict
    assert any(name == "_ui.html" for _, name in app.jinja_env.cache)
