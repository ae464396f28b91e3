"""Which composite index each Firestore query needs, and whether firestore.indexes.json has it.

The emulator serves any query without indexes, so the suite records every query the code builds
(`BaseQuery._to_protobuf`, used by gets, streams and aggregations) and checks it against the file.
The rule (Firestore's): equality filters alone, or one order / range on a single field, are served by the
automatic single-field indexes; equality filters combined with an order or range on another field, or
orders on two fields, need a composite index of the equality fields followed by the ordered fields.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from google.cloud.firestore_v1 import base_query
from google.cloud.firestore_v1.types import StructuredQuery

ROOT = Path(__file__).resolve().parents[1]
INDEX_FILE = ROOT / "firestore.indexes.json"
EQUALITY_OPS = {"EQUAL", "IN", "ARRAY_CONTAINS", "ARRAY_CONTAINS_ANY"}
# (collection, equality fields, ((field, direction), ...)): what a composite index must hold
Need = tuple[str, frozenset[str], tuple[tuple[str, str], ...]]

_recorded: list[Need | None] = []
_lock = threading.Lock()


def need_of(query: StructuredQuery) -> Need | None:
    """The composite index a query needs, or None when single-field indexes serve it."""
    equalities: set[str] = set()
    ranges: list[str] = []
    for field, op in _filters(query.where):
        (equalities.add if op in EQUALITY_OPS else ranges.append)(field)  # type: ignore[operator]
    orders = [(o.field.field_path, o.direction.name) for o in query.order_by]
    for field in ranges:
        if field not in [f for f, _ in orders]:
            orders.append((field, "ASCENDING"))
    orders = [(f, d) for f, d in orders if f != "__name__" and f not in equalities]
    if not orders or (not equalities and len(orders) == 1):
        return None
    return (query.from_[0].collection_id, frozenset(equalities), tuple(orders))


def _filters(where: Any) -> Iterator[tuple[str, str]]:
    if not where:
        return
    if "composite_filter" in where:
        for nested in where.composite_filter.filters:
            yield from _filters(nested)
    elif "field_filter" in where:
        yield where.field_filter.field.field_path, where.field_filter.op.name
    elif "unary_filter" in where:
        yield where.unary_filter.field.field_path, "EQUAL"


def declared() -> list[Need]:
    """The composite indexes in firestore.indexes.json, in the same form (a trailing __name__ dropped)."""
    found: list[Need] = []
    for index in json.loads(INDEX_FILE.read_text())["indexes"]:
        fields = [(f["fieldPath"], f.get("order", "ASCENDING")) for f in index["fields"]]
        if fields and fields[-1][0] == "__name__":
            fields.pop()
        found.append((index["collectionGroup"], frozenset(), tuple(fields)))
    return found


def covers(index: Need, need: Need) -> bool:
    collection, _, fields = index
    if collection != need[0]:
        return False
    count = len(need[1])
    prefix, rest = fields[:count], fields[count:]
    return {f for f, _ in prefix} == need[1] and rest == need[2]


def uncovered(needs: list[Need | None]) -> list[Need]:
    indexes = declared()
    return sorted({n for n in needs if n is not None and not any(covers(i, n) for i in indexes)}, key=str)


def unused(needs: list[Need | None]) -> list[Need]:
    return [i for i in declared() if not any(n is not None and covers(i, n) for n in needs)]


def recorded() -> list[Need | None]:
    with _lock:
        return list(_recorded)


@contextmanager
def recording() -> Iterator[list[Need | None]]:
    """Record the need of every query built inside the block (all threads)."""
    original = base_query.BaseQuery._to_protobuf
    start = len(_recorded)

    def spy(self: Any) -> StructuredQuery:
        built = original(self)
        with _lock:
            _recorded.append(need_of(built))
        return built

    base_query.BaseQuery._to_protobuf = spy  # type: ignore[method-assign]
    try:
        seen: list[Need | None] = []
        yield seen
    finally:
        base_query.BaseQuery._to_protobuf = original  # type: ignore[method-assign]
        with _lock:
            seen.extend(_recorded[start:])
