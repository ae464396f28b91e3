"""The Firestore client built on first use, the one transaction helper, and the one error translation."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from google.api_core import exceptions as gexc
from google.api_core.datetime_helpers import DatetimeWithNanoseconds
from google.api_core.gapic_v1.method import DEFAULT
from google.cloud import firestore
from google.cloud.firestore_v1 import _helpers

from streak_core import context
from streak_core.adapters.firestore import write_encoding
from streak_core.adapters.lazy import Lazy
from streak_core.errors import TransientStoreError

T = TypeVar("T")
log = logging.getLogger(__name__)
SLOW_QUERY_MS = 100.0

# Failures a retry may well get past. After some of them a commit may have landed all the same (a deadline,
# a reset stream): every write of ours is idempotent, so the retry finds it done and changes nothing.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    gexc.ServiceUnavailable,
    gexc.Cancelled,  # a stream reset under the call (RST_STREAM); Firebase's own clients retry it too
    gexc.DeadlineExceeded,
    gexc.Aborted,
    gexc.InternalServerError,
    gexc.TooManyRequests,
    gexc.ResourceExhausted,
    gexc.RetryError,
)
# A guarded write whose guard no longer holds: someone else wrote first, and nothing of ours was written.
LOST_RACE: tuple[type[gexc.GoogleAPICallError], ...] = (
    gexc.FailedPrecondition,
    gexc.AlreadyExists,
    gexc.Conflict,
    gexc.NotFound,
)


class LazyFirestore(Lazy[Any]):
    """The Firestore client of `project_id`, created on first use, its every call within the time budget of
    the work it serves (tests pass their own `factory`)."""

    def __init__(self, project_id: str | None, factory: Callable[[str | None], Any] | None = None) -> None:
        make = factory or _production_client
        super().__init__(lambda: make(project_id))


def _production_client(project_id: str | None) -> Any:
    """The client of `project_id` as the functions use it: held to the time budget, writing fields encoded
    by `write_encoding` (the library's own encoder was 60% of a maintenance batch's CPU)."""
    write_encoding.install()
    return within_budget(firestore.Client(project=project_id))


# A rollback is the one call still made once the budget is spent: it releases the transaction's locks.
ROLLBACK_GRACE_SECONDS = 2.0


def within_budget(client: Any) -> Any:
    """`client` with every RPC held to what is left of the current time budget (`context.time_budget`):
    the RPC's own timeout and its retries' deadline are cut to it, and a call made once it is spent fails at
    once with DeadlineExceeded (transient: a 503, a retried task, a nacked message). Without a budget the
    library's defaults (60 s) apply. Done on the generated client's table of wrapped methods, which every
    call of the library goes through (`gapic_v1.method.wrap_method`)."""
    transport = client._firestore_api._transport
    for method, rpc in list(transport._wrapped_methods.items()):
        grace = ROLLBACK_GRACE_SECONDS if method is transport.rollback else 0.0
        transport._wrapped_methods[method] = _Budgeted(rpc, grace)
    return client


class _Budgeted:
    def __init__(self, rpc: Any, grace: float) -> None:
        self._rpc, self._grace = rpc, grace

    def __call__(self, *args: Any, retry: Any = DEFAULT, timeout: Any = DEFAULT, **kwargs: Any) -> Any:
        left = context.time_left()
        if left is None:
            return self._rpc(*args, retry=retry, timeout=timeout, **kwargs)
        left = max(left, self._grace)
        if left <= 0:
            spent = "the time budget of this work is spent"
            raise gexc.DeadlineExceeded(spent)  # type: ignore[no-untyped-call]  # api-core ships no types here
        chosen_retry = self._rpc._retry if retry is DEFAULT else retry
        chosen_timeout = self._rpc._timeout if timeout is DEFAULT else timeout
        if chosen_retry is not None:
            chosen_retry = chosen_retry.with_timeout(left)
        if isinstance(chosen_timeout, int | float):
            left = min(float(chosen_timeout), left)
        return self._rpc(*args, retry=chosen_retry, timeout=left, **kwargs)


@contextmanager
def store_errors() -> Iterator[None]:
    """Firestore's transient failures as the port's TransientStoreError; anything else passes through."""
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        raise TransientStoreError(f"{type(exc).__name__}: {exc}") from exc
    except ValueError as exc:
        # A transaction that kept losing to contention ends in a ValueError raised from the last Aborted; one
        # whose begin failed ends in the ValueError of its rollback ("no transaction ID"), raised while
        # handling that failure.
        if isinstance(exc.__cause__, TRANSIENT_ERRORS):
            raise TransientStoreError(f"contention: {exc}") from exc
        if isinstance(exc.__context__, TRANSIENT_ERRORS):
            raise TransientStoreError(f"{type(exc.__context__).__name__}: {exc}") from exc
        raise


def run_transaction(
    client: Any, body: Callable[[Any], T], max_attempts: int = 10, read_only: bool = False
) -> T:
    """Run `body(transaction)` atomically, again on contention (so it must have no side effects). A read-only
    transaction reads one consistent snapshot without taking locks, so it never holds up live writes."""

    @firestore.transactional
    def attempt(transaction: Any) -> T:
        return body(transaction)

    with store_errors():
        return attempt(client.transaction(max_attempts=max_attempts, read_only=read_only))  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Read:
    """A document as a batched read returned it, its fields decoded once (`exists` False: no such
    document). It answers what our decoders ask of a snapshot."""

    reference: Any
    _data: dict[str, Any] | None
    update_time: Any = None

    @property
    def exists(self) -> bool:
        return self._data is not None

    @property
    def id(self) -> str:
        return str(self.reference.id)

    def to_dict(self) -> dict[str, Any] | None:
        return self._data


def batch_read(client: Any, refs: list[Any], transaction: Any = None) -> list[Read]:
    """The documents at `refs` in one BatchGetDocuments call (in `transaction` if given), in no set order.

    `Client.get_all` makes a DocumentSnapshot of each, which deep-copies the fields it has just decoded
    through proto-plus wrappers: on our largest documents that is most of a read's CPU. This sends the same
    request, built by the client's own `_prep_get_all` (google-cloud-firestore is pinned and the suite runs
    it on the emulator), and decodes each document once from the raw protobuf."""
    if not refs:
        return []
    request, by_path, kwargs = client._prep_get_all(refs, None, transaction, DEFAULT, None, None)
    responses = client._firestore_api.batch_get_documents(
        request=request, metadata=client._rpc_metadata, **kwargs
    )
    found: list[Read] = []
    for response in responses:
        raw = response._pb
        if raw.WhichOneof("result") == "found":
            document = raw.found
            updated = _instant(document.update_time)
            found.append(Read(by_path[document.name], decode_fields(document.fields, client), updated))
        else:
            found.append(Read(by_path[raw.missing], None))
    return found


def decode_fields(fields: Any, client: Any) -> dict[str, Any]:
    """A raw protobuf map of Firestore values as Python values, as `_helpers.decode_dict` gives them (the
    kinds we never store are left to it)."""
    if "__type__" in fields:  # a vector or a BSON value
        return cast(dict[str, Any], _helpers.decode_dict(fields, client))
    return {key: _decode_value(value, client) for key, value in fields.items()}


def _instant(timestamp: Any) -> datetime:
    """A protobuf Timestamp as the client library gives it (nanoseconds kept)."""
    instant: datetime = DatetimeWithNanoseconds.from_timestamp_pb(timestamp)  # type: ignore[no-untyped-call]  # unannotated in api_core
    return instant


def _decode_value(value: Any, client: Any) -> Any:
    kind = value.WhichOneof("value_type")
    if kind == "integer_value":
        return value.integer_value
    if kind == "string_value":
        return value.string_value
    if kind == "array_value":
        return [_decode_value(item, client) for item in value.array_value.values]
    if kind == "map_value":
        return decode_fields(value.map_value.fields, client)
    if kind == "timestamp_value":
        return _instant(value.timestamp_value)
    if kind == "boolean_value":
        return value.boolean_value
    if kind == "null_value":
        return None
    if kind == "double_value":
        return value.double_value
    return _helpers.decode_value(value, client)


def fields_of(snapshot: Any) -> dict[str, Any]:
    """A read document's fields, for decoding into our records (never changed in place). The snapshot already
    holds its own copy; `to_dict()` would deep-copy it again, a measurable share of an acceptance's CPU."""
    data = getattr(snapshot, "_data", None)
    return data if isinstance(data, dict) else dict(snapshot.to_dict() or {})


def stream(query: Any, what: str) -> list[Any]:
    """A query's documents. One slower than SLOW_QUERY_MS is logged with `query_ms`, which a log-based
    metric counts (deploy/plan.py)."""
    started = time.perf_counter()
    with store_errors():
        docs = list(query.stream())
    elapsed_ms = (time.perf_counter() - started) * 1000
    if elapsed_ms > SLOW_QUERY_MS:
        log.warning(
            "slow query", extra={"query": what, "query_ms": round(elapsed_ms, 1), "documents": len(docs)}
        )
    return docs


def streamed_pages(query: Any, page_size: int, what: str, max_restarts: int = 5) -> Iterator[list[Any]]:
    """The documents of an ordered query in pages of `page_size`, from ONE streamed query: it costs one
    pass over the index (the emulator, which has none, scans the collection once instead of once per
    page), and memory holds one page. A transient failure mid-stream resumes after the last document."""
    last, restarts, page = None, 0, []
    while True:
        try:
            with store_errors():
                for doc in (query.start_after(last) if last is not None else query).stream():
                    page.append(doc)
                    last = doc
                    if len(page) == page_size:
                        yield page
                        page = []
        except TransientStoreError:
            restarts += 1
            if restarts > max_restarts:
                raise
            log.warning("query stream interrupted; resuming", extra={"query": what, "restarts": restarts})
            continue
        if page:
            yield page
        return


def pages_of(query: Any, what: str = "pages") -> Iterator[list[Any]]:
    """The documents of a limited, ordered query, a page at a time by cursor. Only an empty page ends it:
    a page may come back short while documents change."""
    cursor = None
    while True:
        docs = stream(query.start_after(cursor) if cursor is not None else query, what)
        if not docs:
            return
        yield docs
        cursor = docs[-1]


def delete_all(client: Any, collection: Any, what: str) -> int:
    """Delete every document of a collection, a page (one commit) at a time; how many were deleted."""
    deleted = 0
    for page in pages_of(collection.order_by("__name__").limit(400), what):
        batch = client.batch()
        for doc in page:
            batch.delete(doc.reference)
        with store_errors():
            batch.commit()
        deleted += len(page)
    return deleted


# What the commit of a conditional write (`stage_unchanged`) raises when the document changed since its read.
CHANGED_SINCE_READ: tuple[type[BaseException], ...] = (
    gexc.FailedPrecondition,
    gexc.AlreadyExists,
    gexc.Conflict,
    gexc.NotFound,
)


def stage_unchanged(client: Any, writer: Any, ref: Any, seen: Any, data: dict[str, Any]) -> None:
    """Stage `data` in `writer` (a batch) on the condition that the document is still as `seen` was: an
    update conditional on its update time, or a create where there was none. Compare-and-swap without a
    transaction: no lock is held, and a commit that lost raises one of CHANGED_SINCE_READ."""
    if seen.exists:
        writer.update(ref, data, option=client.write_option(last_update_time=seen.update_time))
    else:
        writer.create(ref, data)


def commit_guarded(batch: Any) -> type[gexc.GoogleAPICallError] | None:
    """Commit a batch of guarded writes: None when it committed, else the kind of race that stopped it
    (nothing was written)."""
    try:
        with store_errors():
            batch.commit()
    except LOST_RACE as lost:
        return type(lost)
    return None


def read_with_shards(
    client: Any, field: str, shards: Mapping[str, list[Any]], parents: Mapping[str, Any] | None = None
) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """In one batched read: the `parents` documents that exist (their data, by key) and, for each key of
    `shards`, `field` summed over its counter shards (a distributed counter's total)."""
    owner = {ref.path: key for key, refs in shards.items() for ref in refs}
    parent_of = {ref.path: key for key, ref in (parents or {}).items()}
    refs = [*(parents or {}).values(), *(ref for refs in shards.values() for ref in refs)]
    found: dict[str, dict[str, Any]] = {}
    totals = dict.fromkeys(shards, 0)
    if not refs:
        return found, totals
    with store_errors():
        docs = list(client.get_all(refs))
    for doc in docs:
        path = doc.reference.path
        if not doc.exists:
            continue
        if path in owner:
            totals[owner[path]] += int(doc.get(field) or 0)
        else:
            found[parent_of[path]] = doc.to_dict()
    return found, totals
