"""linkify: a post's text as safe HTML, mentions, tags and URLs linked, nothing else trusted."""

import pytest
from markupsafe import Markup

from app.richtext import is_tag, linkify, mentioned_names, tags_of

PEOPLE = {"susan": "Susan", "john": "john", "o.reilly": "o.reilly"}


def render(body: str, people=PEOPLE) -> str:
    html = linkify(body, people, lambda name: f"/user/{name}", lambda tag: f"/tag/{tag}")
    assert isinstance(html, Markup)
    return str(html)


def test_plain_text_is_escaped_and_nothing_else_changes():
    assert render("a < b & c > d \"q\" 'r'") == "a &lt; b &amp; c &gt; d &#34;q&#34; &#39;r&#39;"


def test_a_mention_of_someone_who_exists_links_to_their_profile_in_their_spelling():
    assert render("hi @SUSAN!") == 'hi <a href="/user/Susan" class="mention">@SUSAN</a>!'


def test_a_mention_of_nobody_stays_text():
    assert render("hi @nobody") == "hi @nobody"


def test_email_addresses_are_not_mentions():
    assert render("write to me@susan.com") == "write to me@susan.com"
    assert mentioned_names("me@susan.com") == set()


def test_a_full_stop_after_a_mention_is_punctuation_but_dots_inside_belong_to_the_name():
    assert render("thanks @john.") == 'thanks <a href="/user/john" class="mention">@john</a>.'
    assert render("@o.reilly wrote") == '<a href="/user/o.reilly" class="mention">@o.reilly</a> wrote'


def test_unicode_names_are_not_usernames_and_stay_text():
    assert render("hola @josé y @日本語") == "hola @josé y @日本語"
    assert mentioned_names("hola @josé @日本語 @ab") == set()  # not a username; too short


def test_tags_link_in_lower_case_and_keep_their_spelling():
    assert render("#Flask rocks") == '<a href="/tag/flask" class="hashtag">#Flask</a> rocks'
    assert tags_of("#Flask #flask #Café #2024 #a_b") == {"flask", "café", "a_b"}


@pytest.mark.parametrize("word", ["2024", "", "x" * 65, "a-b"])
def test_what_is_not_a_tag(word):
    assert not is_tag(word)


def test_html_entities_and_url_fragments_are_not_tags():
    assert tags_of("&#39; and https://example.com/#top and a#b") == set()


def test_urls_become_nofollow_links_and_keep_the_sentence_punctuation_out():
    assert render("see https://example.com/a?b=1&c=2.") == (
        'see <a href="https://example.com/a?b=1&amp;c=2" class="post-link" rel="nofollow noopener" '
        'target="_blank">https://example.com/a?b=1&amp;c=2</a>.'
    )


def test_a_closing_parenthesis_that_belongs_to_the_url_stays():
    html = render("(see https://en.wikipedia.org/wiki/Flask_(web_framework))")
    assert 'href="https://en.wikipedia.org/wiki/Flask_(web_framework)"' in html
    assert html.endswith("</a>)")


@pytest.mark.parametrize("body", [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "ftp://example.com/file",
])
def test_no_other_scheme_is_ever_a_link(body):
    html = render(body)
    assert "<a" not in html and "href" not in html


def test_script_tags_are_text():
    html = render("<script>alert(1)</script> #tag")
    assert "<script>" not in html
    assert html.startswith("&lt;script&gt;alert(1)&lt;/script&gt; ")


def test_a_quote_cannot_close_the_href_and_add_an_attribute():
    html = render('https://example.com/"onmouseover="alert(1) and https://example.com/\'onfocus=\'x')
    assert 'href="https://example.com/"' in html  # the URL ends at the quote
    assert '"onmouseover' not in html and "&#34;onmouseover=&#34;alert(1)" in html
    assert "'onfocus" not in html and "&#39;onfocus=&#39;x" in html


def test_markup_around_and_inside_tokens_is_text():
    html = render('<a href="javascript:x">@susan</a> <b>#bold</b> <img src=x onerror=alert(1)>https://x.io')
    assert "<b>" not in html and "<img" not in html and 'href="javascript' not in html
    # The mention, the tag and the URL are linked; every bracket and quote around them is text.
    assert html == (
        '&lt;a href=&#34;javascript:x&#34;&gt;<a href="/user/Susan" class="mention">@susan</a>&lt;/a&gt; '
        '&lt;b&gt;<a href="/tag/bold" class="hashtag">#bold</a>&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt;'
        '<a href="https://x.io" class="post-link" rel="nofollow noopener" target="_blank">https://x.io</a>'
    )


def test_nested_link_attempts_stay_escaped():
    html = render("@susan<a>@john</a>")
    assert "<a>" not in html and "</a></a>" not in html


def test_mentions_and_tags_inside_urls_are_part_of_the_url():
    html = render("https://example.com/@susan/#flask")
    assert html.count("<a ") == 1 and 'class="post-link"' in html
    assert mentioned_names("https://example.com/@susan") == set()


def test_the_names_and_tags_stored_are_those_linked():
    body = "@Susan @john! #One #two, mail x@y.z https://a.io/#three"
    assert mentioned_names(body) == {"susan", "john"}
    assert tags_of(body) == {"one", "two"}


def test_an_empty_body():
    assert render("") == ""
    assert mentioned_names("") == set() and tags_of("") == set()
