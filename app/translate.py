"""Translation providers, chosen by configuration, with a cache per post and language.

Microsoft Translator is used when MS_TRANSLATOR_KEY is set, otherwise
LibreTranslate when LIBRETRANSLATE_URL is set; with neither, translation is
off and the Translate link is not shown.
"""

from typing import Any

import requests
from flask import current_app

from .extensions import db
from .languages import same_language
from .models import Post, PostTranslation

# Longer texts are refused before anything is sent (and paid for).
MAX_TRANSLATION_LENGTH = 1000


class TranslationError(Exception):
    """The provider could not translate: it refused, failed or answered something unexpected."""


class TranslationTimeout(TranslationError):
    """The provider did not answer within TRANSLATION_TIMEOUT seconds."""


class TranslationUnavailable(TranslationError):
    """No translation provider is configured."""


class Translator:
    """A translation service reached over HTTP."""

    name = ""
    # Codes from language detection that the service spells differently.
    language_codes: dict[str, str] = {}

    def __init__(self, url: str, timeout: float):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def translate(self, text: str, source_language: str, dest_language: str) -> str:
        raise NotImplementedError

    def code(self, language: str) -> str:
        return self.language_codes.get(language.lower(), language)

    def post(self, path: str, **kwargs) -> Any:
        """POST to the service and return its JSON answer, or raise TranslationError."""
        try:
            response = requests.post(self.url + path, timeout=self.timeout, **kwargs)
        except requests.Timeout as error:
            raise TranslationTimeout(f"{self.name} did not answer within {self.timeout} s") from error
        except requests.RequestException as error:
            raise TranslationError(f"{self.name} could not be reached: {error}") from error
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not response.ok:
            raise TranslationError(f"{self.name} answered {response.status_code}: {self.error_message(answer)}")
        if answer is None:
            raise TranslationError(f"{self.name} answered something that is not JSON")
        return answer

    @staticmethod
    def error_message(answer: Any) -> str:
        """The reason a service gives in its error answer, in either provider's shape."""
        if isinstance(answer, dict):
            error = answer.get("error")
            if isinstance(error, dict):  # Microsoft: {"error": {"code": 401000, "message": "..."}}
                return str(error.get("message") or error)
            if error:  # LibreTranslate: {"error": "..."}
                return str(error)
        return "no reason given"


class MicrosoftTranslator(Translator):
    """Azure AI Translator, Text Translation REST API v3."""

    name = "microsoft"
    language_codes = {"zh-cn": "zh-Hans", "zh-tw": "zh-Hant"}

    def __init__(self, key: str, region: str | None, url: str, timeout: float):
        super().__init__(url, timeout)
        self.key = key
        self.region = region

    def translate(self, text: str, source_language: str, dest_language: str) -> str:
        headers = {"Ocp-Apim-Subscription-Key": self.key, "Content-Type": "application/json; charset=UTF-8"}
        if self.region:
            headers["Ocp-Apim-Subscription-Region"] = self.region
        answer = self.post(
            "/translate",
            params={"api-version": "3.0", "from": self.code(source_language), "to": self.code(dest_language)},
            headers=headers,
            json=[{"Text": text}],
        )
        try:
            translated = answer[0]["translations"][0]["text"]
        except (KeyError, IndexError, TypeError) as error:
            raise TranslationError(f"{self.name} answered in an unexpected shape: {answer!r:.200}") from error
        if not isinstance(translated, str):
            raise TranslationError(f"{self.name} answered in an unexpected shape: {answer!r:.200}")
        return translated


class LibreTranslate(Translator):
    """A LibreTranslate server (self-hosted or a hosted instance with an API key)."""

    name = "libretranslate"
    language_codes = {"zh-cn": "zh", "zh-tw": "zt"}

    def __init__(self, url: str, api_key: str | None, timeout: float):
        super().__init__(url, timeout)
        self.api_key = api_key

    def translate(self, text: str, source_language: str, dest_language: str) -> str:
        payload = {
            "q": text,
            "source": self.code(source_language),
            "target": self.code(dest_language),
            "format": "text",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        answer = self.post("/translate", json=payload)
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, str):
            raise TranslationError(f"{self.name} answered in an unexpected shape: {answer!r:.200}")
        return translated


def get_translator() -> Translator | None:
    """The provider the configuration names, or None when translation is off."""
    config = current_app.config
    timeout = config["TRANSLATION_TIMEOUT"]
    if config.get("MS_TRANSLATOR_KEY"):
        return MicrosoftTranslator(
            key=config["MS_TRANSLATOR_KEY"],
            region=config.get("MS_TRANSLATOR_REGION"),
            url=config["MS_TRANSLATOR_URL"],
            timeout=timeout,
        )
    if config.get("LIBRETRANSLATE_URL"):
        return LibreTranslate(url=config["LIBRETRANSLATE_URL"], api_key=config.get("LIBRETRANSLATE_API_KEY"),
                              timeout=timeout)
    return None


def translation_enabled() -> bool:
    """Whether a provider is configured (and so whether to offer Translate links), as get_translator
    decides, without building a provider: feeds ask once per post."""
    config = current_app.config
    return bool(config.get("MS_TRANSLATOR_KEY") or config.get("LIBRETRANSLATE_URL"))


def translate(text: str, source_language: str, dest_language: str, post_id: int | None = None) -> str:
    """Translate ``text``; when it is the text of post ``post_id``, through the cache.

    Only a post's own text, in its detected language, is cached, so a caller
    cannot store an arbitrary "translation" for someone's post. The caller
    commits, which keeps a new translation.
    """
    translator = get_translator()
    if translator is None:
        raise TranslationUnavailable("no translation provider is configured")
    if same_language(source_language, dest_language):
        return text
    post = db.session.get(Post, post_id) if post_id is not None else None
    cacheable = post is not None and post.body == text and same_language(post.language, source_language)
    if cacheable:
        cached = PostTranslation.find(post.id, dest_language)
        if cached is not None:
            return cached
    translated = translator.translate(text, source_language, dest_language)
    if cacheable:
        PostTranslation.store(post.id, dest_language, translated, translator.name)
    return translated
