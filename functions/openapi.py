"""Builds the OpenAPI 3.1 document from a route table and its pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from functions.api.shared import ErrorOut
from functions.routing import Auth, Route, RouteTable

REF = "#/components/schemas/{model}"
ERRORS = {
    400: "The body is not a JSON object (or X-Now is not an instant)",
    401: "No or invalid token",
    403: "Authenticated but not allowed",
    404: "Unknown route or resource",
    409: "Conflict with what is stored",
    413: "Body over 64 KiB",
    422: "Validation failed; details lists each field and why",
    429: "Rate limited; Retry-After is set",
    503: "Transient backend failure; Retry-After is set; safe to retry",
}
X_NOW = {
    "name": "X-Now",
    "in": "header",
    "required": False,
    "description": "The current instant for this request (honoured where ALLOW_CLOCK_OVERRIDE=1)",
    "schema": {"type": "string", "format": "date-time"},
    "example": "2026-11-21T12:00:00Z",
}


def openapi_document(table: RouteTable[Any], clock_override: bool) -> dict[str, Any]:
    """The document for `table` as this deployment serves it (X-Now only where it is honoured)."""
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorOut, "serialization")]
    for route in table.routes:
        models += [(m, "serialization") for m in route.responses.values() if m is not None]
        if route.body:
            models.append((route.body, "validation"))
    unique = sorted(set(models), key=lambda pair: (pair[0].__name__, pair[1]))
    refs, top = models_json_schema(unique, ref_template=REF)

    def ref(model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, Any]:
        return dict(refs[(model, mode)])

    paths: dict[str, dict[str, Any]] = {}
    for route in table.routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, ref, clock_override)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Focus streaks API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {"firebase": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def _operation(route: Route[Any], ref: Any, clock_override: bool) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, model in sorted(route.responses.items()):
        if model is None and route.media_types and status == 200:
            binary = {"schema": {"type": "string", "format": "binary"}}
            content = dict.fromkeys(route.media_types, binary)
            responses[str(status)] = {"description": "OK", "content": content}
        elif model is None:
            responses[str(status)] = {"description": "Done; no body"}
        else:
            content = {"application/json": {"schema": ref(model, "serialization")}}
            responses[str(status)] = {"description": "OK", "content": content}
    for status in route.error_statuses(clock_override):
        responses[str(status)] = {
            "description": ERRORS[status],
            "content": {"application/json": {"schema": ref(ErrorOut, "serialization")}},
        }
    operation: dict[str, Any] = {
        "summary": route.summary,
        "operationId": f"{route.method.lower()}_{route.path.strip('/').replace('/', '_')}",
        "responses": responses,
    }
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(route.path_schemas.get(name, {"type": "string"})),
        }
        for name in route.path_params
    ]
    if route.query is not None:
        query_schema = route.query.model_json_schema(by_alias=True)
        parameters += [
            {"name": name, "in": "query", "required": False, "schema": _inline(schema, query_schema)}
            for name, schema in query_schema["properties"].items()
        ]
    if clock_override:
        parameters.append(X_NOW)
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(route.body, "validation")}},
        }
    if route.auth is not Auth.NONE:
        operation["security"] = [{"firebase": []}]
    return operation


def _inline(schema: dict[str, Any], whole: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema standing on its own: local $refs (enums) resolved, and no null (a query
    string cannot carry one; a parameter left out takes its default)."""
    if "$ref" in schema:
        return dict(whole["$defs"][schema["$ref"].rsplit("/", 1)[-1]])
    if "anyOf" in schema:
        options = [_inline(s, whole) for s in schema["anyOf"] if s != {"type": "null"}]
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        return {**rest, **options[0]} if len(options) == 1 else {**rest, "anyOf": options}
    return schema
