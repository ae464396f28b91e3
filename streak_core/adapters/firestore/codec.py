"""A record to its Firestore document and back, declared once per record and derived from the record's own
fields and types, instead of a pair of hand-written functions that must be kept in step."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, Generic, TypeVar

Doc = dict[str, Any]
R = TypeVar("R")
Convert = Callable[[Any], Any]

_REQUIRED: Any = object()  # no value stands in for this field when a document lacks it


def _same(value: Any) -> Any:
    return value


@dataclasses.dataclass(frozen=True, slots=True)
class _Field:
    name: str  # on the record
    key: str  # in the document
    dump: Convert
    load: Convert
    empty: Any  # what an absent (or null) stored value loads as: older documents lack newer fields
    inline: Codec[Any] | None = None


class Codec(Generic[R]):
    """`dump` a record to its document and `load` it back. Each field is stored under its own name (or the
    one `names` gives it), converted by its type: enums as their words, dates as ISO dates, tuples as lists;
    instants, strings and numbers as they are. Fields in `inline` are records stored flat in the same
    document (Firestore queries reach top-level fields); fields in `given` are not stored (an id that is
    the document's name, a count kept elsewhere) and are passed to `load`."""

    def __init__(
        self,
        record: type[R],
        *,
        names: Mapping[str, str] | None = None,
        inline: Mapping[str, Codec[Any]] | None = None,
        given: Collection[str] = (),
    ) -> None:
        self.record = record
        self._names, self._inline = names or {}, inline or {}
        self._given = frozenset(given)

    @functools.cached_property
    def _fields(self) -> tuple[_Field, ...]:
        # Worked out on first use: reading the record's hints evaluates its annotations, and a cold start
        # imports many more codecs than its one request uses.
        hints = typing.get_type_hints(self.record)
        return tuple(
            _field(f, hints[f.name], self._names.get(f.name, f.name), self._inline.get(f.name))
            for f in dataclasses.fields(self.record)  # type: ignore[arg-type]
            if f.name not in self._given
        )

    def dump(self, record: R, only: Collection[str] | None = None) -> Doc:
        """The document; with `only`, just those fields of it (for a merge that must not touch the rest)."""
        doc: Doc = {}
        for field in self._fields:
            if only is not None and field.name not in only:
                continue
            value = getattr(record, field.name)
            if field.inline is not None:
                doc.update(field.inline.dump(value))
            else:
                doc[field.key] = field.dump(value)
        return doc

    def load(self, data: Mapping[str, Any], **given: Any) -> R:
        values = dict(given)
        for field in self._fields:
            if field.inline is not None:
                values[field.name] = field.inline.load(data)
                continue
            stored = data.get(field.key)
            if stored is not None:
                values[field.name] = field.load(stored)
            elif field.empty is _REQUIRED:
                raise KeyError(field.key)
            else:
                values[field.name] = field.empty
        return self.record(**values)


def _field(f: dataclasses.Field[Any], hint: Any, key: str, inline: Codec[Any] | None) -> _Field:
    if inline is not None:
        return _Field(f.name, key, _same, _same, _REQUIRED, inline)
    dump, load, empty = _convert(hint)
    if f.default is not dataclasses.MISSING:
        empty = f.default
        if isinstance(f.default, Enum):
            load = _tolerant(load, f.default)
    elif f.default_factory is not dataclasses.MISSING:
        empty = f.default_factory()
    return _Field(f.name, key, dump, load, empty, inline)


def _tolerant(load: Convert, default: Enum) -> Convert:
    """A stored word this version does not know loads as the field's default."""

    def loose(stored: Any) -> Any:
        try:
            return load(stored)
        except ValueError:
            return default

    return loose


def _convert(hint: Any) -> tuple[Convert, Convert, Any]:
    """How a value of this type is stored, read back, and what stands in when it is absent."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        if len(inner) > 1:  # a value of several kinds (int | str): stored as it is
            return _same, _same, None if len(inner) < len(args) else _REQUIRED
        dump, load, _ = _convert(inner[0])
        return (lambda v: None if v is None else dump(v)), load, None
    if origin in (tuple, list, frozenset):
        item_dump, item_load, _ = _convert(args[0])
        return (lambda v: [item_dump(x) for x in v]), (lambda v: origin(item_load(x) for x in v)), origin()
    if origin is dict:
        _, value_load, _ = _convert(args[1])
        return dict, (lambda v: {k: value_load(x) for k, x in v.items()}), {}
    if isinstance(hint, type) and issubclass(hint, Enum):
        return (lambda v: v.value), hint, _REQUIRED
    if hint is date:
        return (lambda v: v.isoformat()), date.fromisoformat, _REQUIRED
    if hint in (int, bool):
        return _same, hint, hint()
    if hint is str:
        return _same, str, _REQUIRED
    if hint in (datetime, Any, object):
        return _same, _same, _REQUIRED
    raise TypeError(f"no stored form for {hint!r}")
