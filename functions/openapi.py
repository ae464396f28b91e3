"""Builds the OpenAPI 3.1 document from a route table and its pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from functions.api.shared import ErrorOut
from functions.routing import Auth, Mounted, Route, RouteTable, Tag
from streak_core.domain.ids import MAX_ID_BYTES

REF = "#/components/schemas/{model}"
ERRORS = {
    400: "The body is not a JSON object (or X-Now is not an instant)",
    401: "No or invalid token",
    403: "Authenticated but not allowed",
    404: "Unknown route or resource",
    409: "Conflict with what is stored",
    413: "Body over 64 KiB",
    422: "Validation failed; details lists each field and why",
    429: "Rate limited; Retry-After says when every breached window has room again",
    503: "Transient backend failure; Retry-After is set; safe to retry",
    500: "An unexpected fault (a bug, never an answer to bad input): the error shape, no stack trace",
}
X_NOW = {
    "name": "X-Now",
    "in": "header",
    "required": False,
    "description": "The current instant for this request (honoured where ALLOW_CLOCK_OVERRIDE=1)",
    "schema": {"type": "string", "format": "date-time", "maxLength": 64},
    "example": "2026-11-21T12:00:00Z",
}
INFO = {
    "title": "Focus streaks API",
    "version": "1",
    "summary": "Focus sessions in; qualified days, streaks, badges, challenges, leagues and boards out.",
    "description": "A Firebase-authenticated app reports focus sessions; the backend turns them into local"
    " days, streaks, freezes, recoveries, XP, badges, challenges, leagues, leaderboards and insights."
    " JSON in and out, snake_case fields, dates as YYYY-MM-DD, instants as RFC 3339 with offset."
    ' Every error body is `{"error": {"code", "message", "details"}}`; 429 and 503 carry'
    " Retry-After and are safe to retry.",
}
# One relative server: the deployment this document was fetched from (Firebase Hosting, Cloud Run or the local
# stack) serves every path in it.
SERVERS = [
    {
        "url": "/",
        "description": "This deployment: production behind Firebase Hosting, or the local stack of make dev",
        "x-internal": False,
    }
]
_TOKEN = (
    "A Firebase ID token (a JWS signed by Google with RS256) in `Authorization: Bearer`. It is verified as"
    " RFC8725 advises: the algorithm fixed by the key, never taken from the token; signature, issuer,"
    " audience (the project), expiry and revocation checked."
)
SECURITY_SCHEMES = {
    "firebase": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": _TOKEN},
    "firebaseAdmin": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": _TOKEN + " Its custom claims must hold `admin: true` (else 403).",
    },
}
SECURITY: dict[Auth, list[dict[str, list[str]]]] = {
    Auth.USER: [{"firebase": []}],
    Auth.ADMIN: [{"firebaseAdmin": []}],
    Auth.PUBLIC: [],
}
_SECONDS = {"type": "integer", "format": "int32", "minimum": 0, "maximum": 86400}
HEADERS = {
    "RateLimit-Limit": {
        "description": "Requests allowed in the tightest window of the caller's limits",
        "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 1_000_000},
    },
    "RateLimit-Remaining": {
        "description": "Requests left in that window",
        "schema": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 1_000_000},
    },
    "RateLimit-Reset": {"description": "Seconds until that window has room again", "schema": _SECONDS},
    "Retry-After": {
        "description": "Whole seconds to wait before sending the request again",
        "required": True,
        "schema": _SECONDS,
    },
}
LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


class _Schemas(GenerateJsonSchema):
    """Pydantic's schemas, with every integer's width declared (a JSON number a client must hold)."""

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return {**super().int_schema(schema), "format": "int64"}


def openapi_document(table: RouteTable[Any], clock_override: bool) -> dict[str, Any]:
    """The document for `table` as this deployment serves it (X-Now only where it is honoured)."""
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorOut, "serialization")]
    for route in table.routes:
        models += [(m, "serialization") for m in route.responses.values() if m is not None]
        if route.body:
            models.append((route.body, "validation"))
    unique = sorted(set(models), key=lambda pair: (pair[0].__name__, pair[1]))
    refs, top = models_json_schema(unique, ref_template=REF, schema_generator=_Schemas)

    def ref(model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, Any]:
        return dict(refs[(model, mode)])

    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, Tag] = {}
    for entry in table.mounted:
        tag = _tag_of(entry)
        tags.setdefault(tag.name, tag)
        operation = _operation(entry.route, tag, ref, clock_override)
        paths.setdefault(entry.route.path, {})[entry.route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": SERVERS,
        "tags": [{"name": tag.name, "description": tag.description} for tag in tags.values()],
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "headers": HEADERS,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def _tag_of(entry: Mounted[Any]) -> Tag:
    route = entry.route
    if entry.tag is None or not route.description or not route.operation_id:
        raise ValueError(f"{route.method} {route.path} needs a tag, a description and an operation_id")
    return entry.tag


def _operation(route: Route[Any], tag: Tag, ref: Any, clock_override: bool) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [tag.name],
        "summary": route.summary,
        "description": route.description,
        "operationId": route.operation_id,
        "responses": _responses(route, ref, clock_override),
    }
    if parameters := _parameters(route, clock_override):
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(route.body, "validation")}},
        }
    if route.auth in SECURITY:
        operation["security"] = SECURITY[route.auth]
    return operation


def _responses(route: Route[Any], ref: Any, clock_override: bool) -> dict[str, Any]:
    """Every status the route can answer, with the headers each carries."""
    responses: dict[str, Any] = {}
    for status, model in sorted(route.responses.items()):
        if model is None and route.media_types and status == 200:
            binary = {"schema": {"type": "string", "format": "binary", "maxLength": 8 * 1024 * 1024}}
            content = dict.fromkeys(route.media_types, binary)
            responses[str(status)] = {"description": "OK", "content": content}
        elif model is None:
            responses[str(status)] = {"description": "Done; no body"}
        else:
            content = {"application/json": {"schema": ref(model, "serialization")}}
            responses[str(status)] = {"description": "OK", "content": content}
    for status in [*route.error_statuses(clock_override), 500]:
        responses[str(status)] = {
            "description": ERRORS[status],
            "content": {"application/json": {"schema": ref(ErrorOut, "serialization")}},
        }
    limited = route.auth is not Auth.NONE
    for code, response in responses.items():
        names = [*(LIMIT_HEADERS if limited and code[0] in "24" else ()), *_retry(code)]
        if names:
            response["headers"] = {name: {"$ref": f"#/components/headers/{name}"} for name in names}
    return responses


def _parameters(route: Route[Any], clock_override: bool) -> list[dict[str, Any]]:
    # A path value longer than any stored id is a 404 (no document can have it), so the bound is declared.
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(route.path_schemas.get(name, {"type": "string", "maxLength": MAX_ID_BYTES})),
        }
        for name in route.path_params
    ]
    if route.query is not None:
        query_schema = route.query.model_json_schema(by_alias=True, schema_generator=_Schemas)
        parameters += [
            {"name": name, "in": "query", "required": False, "schema": _inline(schema, query_schema)}
            for name, schema in query_schema["properties"].items()
        ]
    if clock_override:
        parameters.append(X_NOW)
    return parameters


def _retry(status: str) -> tuple[str, ...]:
    return ("Retry-After",) if status in ("429", "503") else ()


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
