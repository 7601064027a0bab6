"""Version, health, the OpenAPI document and its reference page: open to anyone."""

import re

from app import __version__, create_app
from tests.conftest import config_for


def test_version(client):
    assert client.get("/api/version").json == {"version": __version__, "api_version": "1"}


def test_health_reports_each_service(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured",
                             "search": "not configured", "workers": 1}


def test_health_is_degraded_when_a_configured_service_is_down(app, client):
    app.config["ELASTICSEARCH_URL"] = "http://127.0.0.1:9/"
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json["status"] == "degraded" and response.json["search"] == "unreachable"


def test_health_is_503_when_the_database_is_unreachable():
    app = create_app(config_for("postgresql+psycopg://postgres@127.0.0.1:9/nowhere",
                                SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}}))
    response = app.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.json["status"] == "down" and response.json["database"] == "unreachable"


def test_the_document_describes_every_api_endpoint(app, client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert set(spec["components"]["securitySchemes"]) == {"basic_auth", "token_auth"}
    documented = {(path, method.upper()) for path, operations in spec["paths"].items() for method in operations}
    served = {
        (re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served == documented
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"] and operation["tags"], (method, path)
            if "security" in operation:
                assert "401" in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= set(operation["responses"]), (method, path)


def test_the_reference_page_needs_nothing_from_the_internet(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    script = re.search(r'<script src="([^"]+)"', html).group(1)
    assert script == "/static/vendor/redoc/redoc.standalone.js"
    with client.get(script) as asset:
        assert asset.status_code == 200 and len(asset.data) > 100_000
    assert 'spec-url="/api/openapi.json"' in html
