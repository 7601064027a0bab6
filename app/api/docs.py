"""The OpenAPI document's finishing touches: a tag per module, the API's description."""

import sys

from flask import current_app

from ..extensions import apifairy
from . import bp
from .schemas import ROOM_NAME_DOC

DESCRIPTION = (
    "The microblog REST API. Get a token with `POST /api/tokens` (HTTP Basic), then send "
    "`Authorization: Bearer <token>`. Errors are JSON `{code, message, description}`, plus "
    "`errors` per field for validation. Long collections page by id: follow `_links.next`."
)


@apifairy.process_apispec
def group_by_module(spec: dict) -> dict:
    """Tag each operation with the module that serves it (Tokens, Users, Posts, ...)."""
    spec["info"]["description"] = DESCRIPTION
    tags: dict[str, str] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith(f"{bp.name}."):
            continue
        module = sys.modules[current_app.view_functions[rule.endpoint].__module__]
        tag = module.__name__.rsplit(".", 1)[-1].title()
        tags[tag] = (module.__doc__ or "").strip().split("\n")[0]
        path = rule.rule.replace("<int:", "{").replace(">", "}").replace("<", "{")
        for method in rule.methods & {"GET", "POST", "PUT", "DELETE"}:
            operation = spec["paths"].get(path, {}).get(method.lower())
            if operation is not None:
                operation["tags"] = [tag]
    spec["tags"] = [{"name": name, "description": description} for name, description in tags.items()]
    describe_room_names(spec)
    language = spec["components"]["schemas"]["UserUpdate"]["properties"]["language"]
    language["enum"] = [*current_app.config["LANGUAGES"], None]
    return spec


def describe_room_names(spec: dict) -> None:
    """The ``{name}`` of the room URLs: a room's name, in any case (the rule does not say so)."""
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/rooms/{name}"):
            continue
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "name":
                    parameter["description"] = "The room's name, in any case."
                    parameter["schema"] = {"type": "string", "minLength": ROOM_NAME_DOC["minLength"],
                                           "maxLength": ROOM_NAME_DOC["maxLength"], "pattern": ROOM_NAME_DOC["pattern"],
                                           "example": "general"}
