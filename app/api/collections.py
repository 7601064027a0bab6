"""Collections in the API's two shapes: numbered pages (the tutorial's) and pages by id (cursors)."""

from math import ceil

import sqlalchemy as sa
from flask import url_for
from flask_marshmallow.schema import Schema
from marshmallow import fields, validate

from ..pagination import keyset_page, paginate
from .schemas import ID_RANGE, MAX_LIMIT, Input


class PageArgsSchema(Input):
    page = fields.Integer(load_default=1, validate=ID_RANGE)
    per_page = fields.Integer(load_default=10, validate=ID_RANGE, metadata={
        "description": f"Items per page, at most {MAX_LIMIT} (more reads as {MAX_LIMIT}).",
    })


class CursorArgsSchema(Input):
    before = fields.Integer(validate=ID_RANGE, metadata={"description": "Items with a smaller id, newest first."})
    after = fields.Integer(validate=ID_RANGE, metadata={"description": "Items with a larger id, oldest first."})
    limit = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_LIMIT))


class PageMetaSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total_pages = fields.Integer(required=True)
    total_items = fields.Integer(required=True)


class CursorMetaSchema(Schema):
    limit = fields.Integer(required=True)
    before = fields.Integer(allow_none=True)
    after = fields.Integer(allow_none=True)
    has_more = fields.Boolean(required=True, metadata={"description": "Whether `_links.next` leads to more."})


class CollectionLinksSchema(Schema):
    self = fields.String(required=True)
    next = fields.String(required=True, allow_none=True)
    prev = fields.String(required=True, allow_none=True)


def page_of(item_schema: type[Schema]) -> Schema:
    """A page-numbered collection of ``item_schema`` (the tutorial's shape)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "_meta": fields.Nested(PageMetaSchema, required=True),
        "_links": fields.Nested(CollectionLinksSchema, required=True),
    })()


def cursor_page_of(item_schema: type[Schema]) -> Schema:
    """A collection of ``item_schema`` paged by id: ``_links.next`` continues in the direction read."""
    name = item_schema.__name__.removesuffix("Schema") + "CursorPageSchema"
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "_meta": fields.Nested(CursorMetaSchema, required=True),
        "_links": fields.Nested(CollectionLinksSchema, required=True),
    })()



def numbered_page(select: sa.Select, args: dict, total_items: int, endpoint: str, **url_values) -> dict:
    """Page ``args["page"]`` of ``select`` with ``_meta`` (totals from ``total_items``) and ``_links``."""
    per_page = min(args["per_page"], MAX_LIMIT)
    page = paginate(select, args["page"], per_page)

    def link(number: int) -> str:
        return url_for(endpoint, page=number, per_page=per_page, **url_values)

    return {
        "items": page.items,
        "_meta": {"page": page.number, "per_page": per_page, "total_items": total_items,
                  "total_pages": ceil(total_items / per_page)},
        "_links": {"self": link(page.number), "next": link(page.number + 1) if page.has_next else None,
                   "prev": link(page.number - 1) if page.has_prev else None},
    }


def cursor_page(select: sa.Select, key: sa.ColumnElement, args: dict, endpoint: str, id_of=None, **url_values) -> dict:
    """Rows of ``select`` between ``args``' ``before`` and ``after`` by ``key``, with ``_links.next``.

    Newest first (reading back from ``before`` or from the newest), oldest first when reading
    on from ``after``; ``next`` continues the same way from the last item, so a client that
    follows it sees every row once even while new ones arrive.
    """
    before, after, limit = args.get("before"), args.get("after"), args["limit"]
    page = keyset_page(select.order_by(None), key, limit, before=before, after=after)
    id_of = id_of or (lambda item: item.id)
    forwards = after is not None and before is None
    next_link = None
    if page.has_more and page.items:
        bound = {"after": id_of(page.items[-1])} if forwards else {"before": id_of(page.items[-1])}
        if forwards or after is None:
            next_link = url_for(endpoint, limit=limit, **bound, **url_values)
        else:  # between two bounds: keep the lower one
            next_link = url_for(endpoint, limit=limit, after=after, **bound, **url_values)
    own = {name: value for name, value in (("before", before), ("after", after)) if value is not None}
    return {
        "items": page.items,
        "_meta": {"limit": limit, "before": before, "after": after, "has_more": page.has_more},
        "_links": {"self": url_for(endpoint, limit=limit, **own, **url_values), "next": next_link, "prev": None},
    }
