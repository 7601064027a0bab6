"""The translation providers against local servers that speak their documented APIs."""

import socket
import time

import pytest
from flask import Flask

from app.translate import (
    LibreTranslate,
    MicrosoftTranslator,
    TranslationError,
    TranslationTimeout,
    get_translator,
    translation_enabled,
)
from config import TestConfig
from tests.fake_translation import assert_documented_request, fake_service


def microsoft(service, timeout: float = 2.0, **overrides) -> MicrosoftTranslator:
    settings = {"key": service.key, "region": service.region, "url": service.url, "timeout": timeout, **overrides}
    return MicrosoftTranslator(**settings)


def libre(service, timeout: float = 2.0, **overrides) -> LibreTranslate:
    return LibreTranslate(**{"url": service.url, "api_key": service.key, "timeout": timeout, **overrides})


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_microsoft_sends_the_documented_request_and_reads_the_answer(microsoft_translator):
    microsoft_translator.phrases[("es", "en", "Hola a todos")] = "Hello everyone"
    assert microsoft(microsoft_translator).translate("Hola a todos", "es", "en") == "Hello everyone"
    [request] = microsoft_translator.requests
    assert_documented_request(microsoft_translator, request, "Hola a todos", "es", "en")


def test_microsoft_global_resource_sends_no_region(microsoft_translator):
    microsoft_translator.region = None
    assert microsoft(microsoft_translator).translate("Guten Morgen", "de", "es") == "[es] Guten Morgen"
    assert_documented_request(microsoft_translator, microsoft_translator.requests[0], "Guten Morgen", "de", "es")


def test_microsoft_gets_its_own_codes_for_chinese(microsoft_translator):
    microsoft(microsoft_translator).translate("你好，世界", "zh-cn", "en")
    assert microsoft_translator.requests[0].query["from"] == ["zh-Hans"]


def test_libretranslate_sends_the_documented_request_and_reads_the_answer(libretranslate):
    libretranslate.phrases[("de", "en", "Guten Morgen")] = "Good morning"
    assert libre(libretranslate).translate("Guten Morgen", "de", "en") == "Good morning"
    [request] = libretranslate.requests
    assert_documented_request(libretranslate, request, "Guten Morgen", "de", "en")
    assert request.body["api_key"] == libretranslate.key


def test_libretranslate_without_a_key_sends_none():
    with fake_service("libretranslate", with_key=False) as service:
        assert libre(service).translate("Hola", "es", "de") == "[de] Hola"
        assert "api_key" not in service.requests[0].body
        assert_documented_request(service, service.requests[0], "Hola", "es", "de")


def test_microsoft_refusal_carries_the_services_reason(microsoft_translator):
    with pytest.raises(TranslationError, match=r"microsoft answered 401: The request is not authorized"):
        microsoft(microsoft_translator, key="wrong key").translate("Hola a todos", "es", "en")


def test_libretranslate_refusal_carries_the_services_reason(libretranslate):
    with pytest.raises(TranslationError, match=r"libretranslate answered 403: Invalid API key"):
        libre(libretranslate, api_key="wrong key").translate("Hola a todos", "es", "en")


@pytest.mark.parametrize("provider", ["microsoft", "libretranslate"])
def test_server_errors_become_translation_errors(provider):
    with fake_service(provider) as service:
        service.failure = (500, {"error": "overloaded"})
        translator = microsoft(service) if provider == "microsoft" else libre(service)
        with pytest.raises(TranslationError, match=r"answered 500: overloaded"):
            translator.translate("Hola a todos", "es", "en")


@pytest.mark.parametrize("provider, answer", [
    ("microsoft", []),
    ("microsoft", [{"translations": []}]),
    ("microsoft", {"text": "hi"}),
    ("libretranslate", {"translated": "hi"}),
    ("libretranslate", ["hi"]),
])
def test_answers_in_an_unexpected_shape_are_errors(provider, answer):
    with fake_service(provider) as service:
        service.failure = (200, answer)
        translator = microsoft(service) if provider == "microsoft" else libre(service)
        with pytest.raises(TranslationError, match="unexpected shape"):
            translator.translate("Hola a todos", "es", "en")


@pytest.mark.parametrize("provider", ["microsoft", "libretranslate"])
def test_a_slow_service_times_out(provider):
    with fake_service(provider) as service:
        service.delay = 3.0
        translator = microsoft(service, timeout=0.3) if provider == "microsoft" else libre(service, timeout=0.3)
        started = time.monotonic()
        with pytest.raises(TranslationTimeout, match="did not answer within 0.3 s"):
            translator.translate("Hola a todos", "es", "en")
        assert time.monotonic() - started < 2.0


def test_an_unreachable_service_is_an_error_not_a_timeout():
    translator = LibreTranslate(url=f"http://127.0.0.1:{closed_port()}", api_key=None, timeout=2.0)
    with pytest.raises(TranslationError, match="could not be reached") as caught:
        translator.translate("Hola a todos", "es", "en")
    assert not isinstance(caught.value, TranslationTimeout)


@pytest.mark.parametrize("settings, expected", [
    ({}, None),
    ({"LIBRETRANSLATE_URL": "http://127.0.0.1:5001/"}, LibreTranslate),
    ({"MS_TRANSLATOR_KEY": "key"}, MicrosoftTranslator),
    ({"MS_TRANSLATOR_KEY": "key", "LIBRETRANSLATE_URL": "http://127.0.0.1:5001"}, MicrosoftTranslator),
])
def test_configuration_chooses_the_provider(settings, expected):
    app = Flask(__name__)
    app.config.from_object(TestConfig)
    app.config.update(settings)
    with app.app_context():
        translator = get_translator()
        assert translation_enabled() is (expected is not None)
    if expected is None:
        assert translator is None
        return
    assert type(translator) is expected
    assert translator.timeout == TestConfig.TRANSLATION_TIMEOUT
    if expected is MicrosoftTranslator:
        assert translator.url == "https://api.cognitive.microsofttranslator.com"
    else:
        assert translator.url == "http://127.0.0.1:5001"
