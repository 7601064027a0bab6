"""Local stand-ins for the translation providers, speaking their documented HTTP APIs.

Each runs an HTTP server on 127.0.0.1 and records every request it gets, so a
test can check the request as the provider documents it. They answer like the
real services, errors included:

- Microsoft Translator v3:
  ``POST /translate?api-version=3.0&from=es&to=en`` with the headers
  ``Ocp-Apim-Subscription-Key`` (and ``Ocp-Apim-Subscription-Region`` for a
  regional resource) and the body ``[{"Text": "..."}]``; the answer is
  ``[{"translations": [{"text": "...", "to": "en"}]}]``, an error
  ``{"error": {"code": 401000, "message": "..."}}``.
- LibreTranslate: ``POST /translate`` with the JSON body
  ``{"q": "...", "source": "es", "target": "en", "format": "text", "api_key": "..."}``;
  the answer is ``{"translatedText": "..."}``, an error ``{"error": "..."}``.
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MICROSOFT_KEY = "test-subscription-key"
MICROSOFT_REGION = "westeurope"
LIBRETRANSLATE_KEY = "test-api-key"


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeTranslationService:
    """A translation provider on a local port: ``provider`` is "microsoft" or "libretranslate"."""

    provider: str
    key: str | None = None
    region: str | None = None
    # Known translations by (source, target, text); anything else comes back as "[target] text".
    phrases: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # When set, every request is answered with this (status, JSON body) instead.
    failure: tuple[int, Any] | None = None
    # Texts that get a 500 answer, for pages that show one post failing and another working.
    failing_texts: set[str] = field(default_factory=set)
    # Seconds to wait before answering, to try timeouts.
    delay: float = 0.0
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self):
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the fake service is not running"
        return f"http://127.0.0.1:{self._server.server_port}"

    def configure(self, config: dict) -> None:
        """Point an app's configuration at this service (and at no other provider)."""
        config["MS_TRANSLATOR_KEY"] = config["MS_TRANSLATOR_REGION"] = None
        config["LIBRETRANSLATE_URL"] = config["LIBRETRANSLATE_API_KEY"] = None
        if self.provider == "microsoft":
            config.update(MS_TRANSLATOR_KEY=self.key, MS_TRANSLATOR_REGION=self.region, MS_TRANSLATOR_URL=self.url)
        else:
            config.update(LIBRETRANSLATE_URL=self.url, LIBRETRANSLATE_API_KEY=self.key)

    def __enter__(self) -> "FakeTranslationService":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=f"fake-{self.provider}", daemon=True
        ).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._release.set()  # let any delayed answer go
        self._server.shutdown()
        self._server.server_close()

    def translation_of(self, text: str, source: str, target: str) -> str:
        return self.phrases.get((source, target, text), f"[{target}] {text}")

    # -- answering ------------------------------------------------------------------

    def answer(self, request: RecordedRequest) -> tuple[int, Any]:
        if self.failure is not None:
            return self.failure
        if request.path != "/translate":
            return 404, self.error(404, "The requested resource was not found.")
        if self.provider == "microsoft":
            return self.answer_microsoft(request)
        return self.answer_libretranslate(request)

    def error(self, status: int, message: str) -> Any:
        if self.provider == "microsoft":
            return {"error": {"code": status * 1000, "message": message}}
        return {"error": message}

    def answer_microsoft(self, request: RecordedRequest) -> tuple[int, Any]:
        if request.headers.get("ocp-apim-subscription-key") != self.key:
            return 401, self.error(401, "The request is not authorized because credentials are missing or invalid.")
        if request.query.get("api-version") != ["3.0"]:
            return 400, self.error(400, "The API version parameter is missing or invalid.")
        targets = request.query.get("to")
        if not targets:
            return 400, self.error(400, "The target language is not valid.")
        body = request.body
        if not isinstance(body, list) or not all(isinstance(item, dict) and "Text" in item for item in body):
            return 400, self.error(400, "The body of the request is not valid JSON.")
        source = request.query.get("from", ["en"])[0]
        results = []
        for item in body:
            if item["Text"] in self.failing_texts:
                return 500, self.error(500, "An unexpected error occurred.")
            results.append({"translations": [
                {"text": self.translation_of(item["Text"], source, target), "to": target} for target in targets
            ]})
        return 200, results

    def answer_libretranslate(self, request: RecordedRequest) -> tuple[int, Any]:
        body = request.body
        if not isinstance(body, dict):
            return 400, self.error(400, "Invalid request: missing q parameter")
        if self.key and body.get("api_key") != self.key:
            return 403, self.error(403, "Invalid API key")
        for name in ("q", "source", "target"):
            if not body.get(name):
                return 400, self.error(400, f"Invalid request: missing {name} parameter")
        if body["q"] in self.failing_texts:
            return 500, self.error(500, "Cannot translate text: the model crashed")
        return 200, {"translatedText": self.translation_of(body["q"], body["source"], body["target"])}

    def _handler_class(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                parts = urlsplit(self.path)
                request = RecordedRequest(
                    method="POST",
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                )
                service.requests.append(request)
                if service.delay:
                    service._release.wait(service.delay)
                status, answer = service.answer(request)
                payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, format, *args):
                pass

        return Handler


def fake_service(provider: str, with_key: bool = True) -> FakeTranslationService:
    """A fake provider with the credentials a test configures by default."""
    if provider == "microsoft":
        return FakeTranslationService("microsoft", key=MICROSOFT_KEY, region=MICROSOFT_REGION)
    return FakeTranslationService("libretranslate", key=LIBRETRANSLATE_KEY if with_key else None)


def assert_documented_request(service: FakeTranslationService, request: RecordedRequest, text: str, source: str,
                              target: str) -> None:
    """Check that ``request`` is a translation request as the provider documents it."""
    assert request.method == "POST" and request.path == "/translate"
    assert request.headers["content-type"].startswith("application/json")
    if service.provider == "microsoft":
        assert request.query == {"api-version": ["3.0"], "from": [source], "to": [target]}
        assert request.headers["ocp-apim-subscription-key"] == service.key
        if service.region:
            assert request.headers["ocp-apim-subscription-region"] == service.region
        else:
            assert "ocp-apim-subscription-region" not in request.headers
        assert request.body == [{"Text": text}]
    else:
        assert request.query == {}
        expected = {"q": text, "source": source, "target": target, "format": "text"}
        if service.key:
            expected["api_key"] = service.key
        assert request.body == expected
