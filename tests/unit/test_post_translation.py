"""Publishing notes a post's language; translations are kept once per post and language."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Post, PostTranslation


def test_publish_detects_the_language(make_user):
    author = make_user("ana")
    spanish = Post.publish(author, "  ¿Quién quiere ir al cine esta noche conmigo?  ")
    short = Post.publish(author, "jaja")
    db.session.commit()
    assert (spanish.body, spanish.language) == ("¿Quién quiere ir al cine esta noche conmigo?", "es")
    assert short.language is None


def test_a_translation_is_stored_once_per_post_and_language(make_user, make_post):
    post = make_post(make_user("ana"), "Guten Morgen, wie geht es euch allen heute?")
    assert PostTranslation.find(post.id, "en") is None
    assert PostTranslation.store(post.id, "en", "Good morning", "libretranslate") is True
    # A second request that translated at the same moment loses quietly; the first stays.
    assert PostTranslation.store(post.id, "en", "Morning!", "microsoft") is False
    assert PostTranslation.store(post.id, "es", "Buenos días", "microsoft") is True
    db.session.commit()
    assert PostTranslation.find(post.id, "en") == "Good morning"
    assert PostTranslation.find(post.id, "es") == "Buenos días"
    rows = db.session.execute(
        sa.select(PostTranslation.language, PostTranslation.provider).order_by(PostTranslation.language)
    ).all()
    assert [tuple(row) for row in rows] == [("en", "libretranslate"), ("es", "microsoft")]
    stored = db.session.get(PostTranslation, (post.id, "en"))
    assert stored.created_at.tzinfo is not None
