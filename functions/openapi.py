"""Builds the OpenAPI 3.1 document from the route table and its pydantic schemas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from functions import schemas

if TYPE_CHECKING:
    from collections.abc import Sequence

    from functions.api import Route

REF = "#/components/schemas/{model}"
QUERY_SCHEMAS: dict[str, dict[str, object]] = {
    "from": {"type": "string", "format": "date"},
    "to": {"type": "string", "format": "date"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    "cursor": {"type": "string"},
}
ERRORS = {
    400: "The body is not JSON / not an object",
    401: "No or invalid token",
    403: "Authenticated but not allowed",
    404: "Unknown route or resource",
    409: "A session id reused with a different body",
    413: "Body over 64 KiB",
    422: "Validation failed; details lists each field and why",
    429: "Rate limited; Retry-After is set",
    503: "Transient backend failure; Retry-After is set; safe to retry",
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


_documents: dict[int, dict[str, Any]] = {}


def openapi_document(routes: Sequence[Route]) -> dict[str, Any]:
    """Built once per route table (the table is fixed at import time)."""
    key = id(routes)
    if key not in _documents:
        _documents[key] = _build(routes)
    return _documents[key]


def _build(routes: Sequence[Route]) -> dict[str, Any]:
    models: set[type[BaseModel]] = {schemas.ErrorOut}
    for route in routes:
        models.update(route.responses.values())
        if route.body:
            models.add(route.body)
    _, top = models_json_schema(
        [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)], ref_template=REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        operation: dict[str, Any] = {
            "summary": route.summary,
            "operationId": f"{route.method.lower()}_{route.path.strip('/').replace('/', '_')}",
            "responses": {
                str(status): {"description": "OK", "content": {"application/json": {"schema": _ref(model)}}}
                for status, model in route.responses.items()
            },
        }
        if not route.responses and route.method == "DELETE":
            operation["responses"]["204"] = {"description": "Done (also when there was nothing to delete)"}
        elif not route.responses:
            operation["responses"]["200"] = {
                "description": "The OpenAPI document",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        parameters = [
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": QUERY_SCHEMAS.get(name, {"type": "string"}),
            }
            for name in route.query
        ]
        parameters += [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in route.pattern.groupindex
        ]
        if parameters:
            operation["parameters"] = parameters
        if route.body:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(route.body)}},
            }
        if route.auth:
            operation["security"] = [{"firebase": []}]
            wanted = [401, 404, 429, 503] + ([400, 413, 422] if route.body else [422])
            if route.path.startswith("/v1/admin/"):
                wanted.append(403)
            if route.body is schemas.SessionIn:
                wanted += [403, 409]
            if route.body is schemas.BatchIn:
                wanted += [403]
            for status in sorted(set(wanted)):
                operation["responses"][str(status)] = {
                    "description": ERRORS[status],
                    "content": {"application/json": {"schema": _ref(schemas.ErrorOut)}},
                }
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Focus streaks API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": top["$defs"],
            "securitySchemes": {"firebase": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
