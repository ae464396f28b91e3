"""The one container: each port's (and each composed service's) factory registered once, built on first use
and shared; every function's and every area's dependencies are derived from it, in production and in tests.

Why not hynek/svcs, which is made for this: importing it imports each framework integration it finds
installed, and functions-framework brings Starlette, so `import svcs` cost 120-170 ms of every cold start
(and a deprecation warning from starlette.testclient). What we need of it — a factory per type, built once
per container, values registered in its place by tests — is this module."""

from __future__ import annotations

import dataclasses
import importlib
import sys
import threading
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
A = TypeVar("A")


class Container:
    """Factories by the name of what they build (`module:Qualname`, see `name_of`): a factory can be
    registered under the name of a type whose module is not imported yet, and that module is imported
    when the thing is first built. An `api` cold start imports the services its route uses, no more."""

    def __init__(self) -> None:
        self._factories: dict[str, Callable[[Container], Any]] = {}
        self._built: dict[str, Any] = {}
        # Areas are built when a request first needs them, maybe on two threads at once: each thing once.
        self._lock = threading.RLock()

    @typing.overload
    def register(self, kind: type[T], factory: Callable[[Container], T]) -> None: ...

    @typing.overload
    def register(self, kind: str, factory: Callable[[Container], Any]) -> None: ...

    def register(self, kind: type[Any] | str, factory: Callable[[Container], Any]) -> None:
        """How to build a `kind` (it may get others from the container); replaces an earlier registration."""
        self._factories[name_of(kind)] = factory
        self._built.pop(name_of(kind), None)

    def value(self, kind: type[T], value: T) -> None:
        """This `kind` is `value` (a fake in a test, a setting)."""
        self._factories[name_of(kind)] = lambda _: value
        self._built[name_of(kind)] = value

    def has(self, kind: type[Any] | str) -> bool:
        return name_of(kind) in self._factories

    def names(self) -> list[str]:
        """What is registered, by the names the container knows it by."""
        return sorted(self._factories)

    @typing.overload
    def get(self, kind: type[T]) -> T: ...

    @typing.overload
    def get(self, kind: str) -> Any: ...

    def get(self, kind: type[Any] | str) -> Any:
        """What is registered for `kind` (a type, or its `module:Qualname`), built on the first call."""
        name = name_of(kind)
        if name not in self._built:
            with self._lock:
                if name not in self._factories:
                    raise LookupError(f"nothing is registered for {name}")
                if name not in self._built:
                    self._built[name] = self._factories[name](self)
        return self._built[name]

    def derive(self, area: type[A], **given: Any) -> A:
        """An area's dependencies (a dataclass): each field whose type is registered comes from the
        container, `given` sets others by name (settings, a second worker), the rest keep their defaults."""
        hints = hints_of(area)
        values = dict(given)
        for field in dataclasses.fields(area):  # type: ignore[arg-type]
            kind = _port(hints[field.name])
            if field.name not in values and kind is not None and self.has(kind):
                values[field.name] = self.get(kind)
        return area(**values)


def name_of(kind: type[Any] | str) -> str:
    """What the container knows a type by: `module:Qualname` (given as such for a type not imported)."""
    return kind if isinstance(kind, str) else f"{kind.__module__}:{kind.__qualname__}"


def imported(name: str) -> Any:
    """The type (or function) named `module:Qualname`, its module imported now."""
    module, qualname = name.split(":")
    return getattr(importlib.import_module(module), qualname)


def hints_of(kind: type[Any]) -> dict[str, Any]:
    """The field types of a dataclass. Its module may import some of the types it names only when they
    are needed: those are listed in the module's `DEFERRED` (name to `module:Qualname`) and imported now."""
    deferred: dict[str, str] = getattr(sys.modules[kind.__module__], "DEFERRED", {})
    return typing.get_type_hints(kind, localns=_Deferred(deferred) if deferred else None)


class _Deferred(dict[str, Any]):
    """The names a module defers, imported when an annotation is evaluated (`eval` asks its locals first,
    and falls back on the module's globals for any other name)."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self._names = names

    def __missing__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        self[name] = value = imported(self._names[name])
        return value


def _port(hint: Any) -> type[Any] | None:
    """The type a field asks the container for (its own, or X of `X | None`); None for anything else."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        kinds = [a for a in typing.get_args(hint) if a is not type(None)]
        hint = kinds[0] if len(kinds) == 1 else None
    return hint if isinstance(hint, type) else None
