"""FCM v1's own message schema, as the capture server checks every push against it.

`fcm.v1.json` beside this file is Google's discovery document of the FCM v1 API, copied unchanged from the
`google-api-python-client` wheel (googleapiclient/discovery_cache/documents/fcm.v1.json, revision 20261023).
Its schemas are turned into JSON Schema as FCM's proto3 JSON parser reads a request: a field by its
lowerCamelCase name or its proto name (`channelId`, `channel_id`), no unknown names, map values of their
declared type (data values are strings), and exactly one target."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

DISCOVERY = Path(__file__).with_name("fcm.v1.json")
TARGETS = ("token", "topic", "condition")


def _proto_name(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _schema(node: Any) -> Any:
    """One discovery schema as JSON Schema."""
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": f"#/definitions/{node['$ref']}"}
    if node.get("type") == "any":
        return {}
    out: dict[str, Any] = {k: node[k] for k in ("type", "enum") if k in node}
    if "items" in node:
        out["items"] = _schema(node["items"])
    if "properties" in node:
        properties = {}
        for name, field in node["properties"].items():
            properties[name] = properties[_proto_name(name)] = _schema(field)
        out["properties"] = properties
        out["additionalProperties"] = False  # FCM: 'Unknown name "x": Cannot find field.'
    if "additionalProperties" in node:
        out["additionalProperties"] = _schema(node["additionalProperties"])
    return out


@cache
def validator() -> Draft7Validator:
    discovery = json.loads(DISCOVERY.read_text())
    definitions = {name: _schema(schema) for name, schema in discovery["schemas"].items()}
    return Draft7Validator({"$ref": "#/definitions/SendMessageRequest", "definitions": definitions})


def problems(request: Any) -> list[str]:
    """What FCM would refuse in a send request, in its words (empty: FCM accepts it)."""
    found = [
        _described(error) for error in sorted(validator().iter_errors(request), key=lambda e: list(e.path))
    ]
    message = request.get("message") if isinstance(request, dict) else None
    if isinstance(message, dict) and sum(target in message for target in TARGETS) != 1:
        found.append("Invalid value at 'message': exactly one of token, topic or condition is required.")
    return found


def _described(error: Any) -> str:
    where = ".".join(str(part) for part in error.absolute_path) or "request"
    if error.validator == "additionalProperties" and error.validator_value is False:
        names = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"Invalid JSON payload received. Unknown name {names[0]!r} at '{where}': Cannot find field."
    if error.validator == "type":
        wanted = f"TYPE_{str(error.validator_value).upper()}"
        return f"Invalid value at '{where}' ({wanted}), {json.dumps(error.instance)}"
    return f"Invalid value at '{where}': {error.message}"
