"""A local stand-in for Elasticsearch 8, speaking the HTTP API the official client uses.

It records every request and answers the way Elasticsearch does, with the
``X-Elastic-Product`` header the client insists on. It keeps documents from
``_bulk`` per index, but does not evaluate queries: ``_search`` answers with the
documents a test chose (``search_ids``), or every document of the index, newest
id first. Tests check what the backend sends; the behaviour of real queries is
checked against a real Elasticsearch (tests/integration/test_search_behaviour.py).
"""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fake_translation import RecordedRequest

CONTENT_TYPE = "application/vnd.elasticsearch+json;compatible-with=8"


def error(status: int, kind: str, reason: str) -> tuple[int, dict]:
    cause = {"type": kind, "reason": reason}
    return status, {"error": {"root_cause": [cause], **cause}, "status": status}


@dataclass
class FakeElasticsearch:
    indices: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    # When set, every request is answered with this (status, JSON body).
    failure: tuple[int, Any] | None = None
    # When set, _search answers with these document ids, in this order.
    search_ids: list[int] | None = None

    def __enter__(self) -> "FakeElasticsearch":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-es", daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def requests_to(self, suffix: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.path.endswith(suffix)]

    # -- answering ------------------------------------------------------------------------

    def answer(self, request: RecordedRequest) -> tuple[int, Any]:
        if self.failure is not None:
            return self.failure
        parts = [part for part in request.path.split("/") if part]
        if parts == ["_bulk"]:
            return self.bulk(request.body)
        if len(parts) == 1 and request.method == "PUT":
            if parts[0] in self.indices:
                return error(400, "resource_already_exists_exception", f"index [{parts[0]}] already exists")
            self.indices[parts[0]] = {"mappings": request.body["mappings"], "documents": {}}
            return 200, {"acknowledged": True, "shards_acknowledged": True, "index": parts[0]}
        if len(parts) == 1 and request.method == "DELETE":
            for name in [name for name in self.indices if name == parts[0] or
                         (parts[0].endswith("*") and name.startswith(parts[0][:-1]))]:
                del self.indices[name]
            return 200, {"acknowledged": True}
        if len(parts) == 2 and parts[1] == "_refresh":
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if len(parts) == 2 and parts[1] == "_search":
            return self.search(parts[0], request.body)
        return error(400, "illegal_argument_exception", f"unexpected request {request.method} {request.path}")

    def bulk(self, lines: list[dict]) -> tuple[int, Any]:
        items, position = [], 0
        while position < len(lines):
            action, target = next(iter(lines[position].items()))
            index = self.indices.setdefault(target["_index"], {"mappings": None, "documents": {}})
            if action == "index":
                index["documents"][target["_id"]] = lines[position + 1]
                items.append({"index": {"_index": target["_index"], "_id": target["_id"], "status": 201}})
                position += 2
            else:
                found = index["documents"].pop(target["_id"], None) is not None
                items.append({"delete": {
                    "_index": target["_index"], "_id": target["_id"],
                    "status": 200 if found else 404, "result": "deleted" if found else "not_found",
                }})
                position += 1
        return 200, {"took": 1, "errors": False, "items": items}

    def search(self, name: str, body: dict) -> tuple[int, Any]:
        if name not in self.indices:
            return error(404, "index_not_found_exception", f"no such index [{name}]")
        ids = self.search_ids
        if ids is None:
            ids = sorted((int(id) for id in self.indices[name]["documents"]), reverse=True)
        page = ids[body.get("from", 0): body.get("from", 0) + body.get("size", 10)]
        hits = [{"_index": name, "_id": str(id), "_score": 1.0} for id in page]
        return 200, {"took": 1, "timed_out": False, "hits": {"total": {"value": len(ids), "relation": "eq"},
                                                              "max_score": 1.0, "hits": hits}}

    def _handler_class(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                if "ndjson" in (self.headers.get("Content-Type") or ""):
                    body: Any = [json.loads(line) for line in raw.splitlines() if line.strip()]
                else:
                    body = json.loads(raw) if raw else None
                parts = urlsplit(self.path)
                request = RecordedRequest(self.command, parts.path, parse_qs(parts.query),
                                          {name.lower(): value for name, value in self.headers.items()}, body)
                service.requests.append(request)
                status, answer = service.answer(request)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Type", CONTENT_TYPE)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

            def log_message(self, format, *args):
                pass

        return Handler
