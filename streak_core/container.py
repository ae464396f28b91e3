"""The one container: each port's (and each composed service's) factory registered once, built on first use
and shared; every function's and every area's dependencies are derived from it, in production and in tests.

Why not hynek/svcs, which is made for this: importing it imports each framework integration it finds
installed, and functions-framework brings Starlette, so `import svcs` cost 120-170 ms of every cold start
(and a deprecation warning from starlette.testclient). What we need of it — a factory per type, built once
per container, values registered in its place by tests — is this module."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
A = TypeVar("A")


class Container:
    def __init__(self) -> None:
        self._factories: dict[type[Any], Callable[[Container], Any]] = {}
        self._built: dict[type[Any], Any] = {}

    def register(self, kind: type[T], factory: Callable[[Container], T]) -> None:
        """How to build a `kind` (it may get others from the container); replaces an earlier registration."""
        self._factories[kind] = factory
        self._built.pop(kind, None)

    def value(self, kind: type[T], value: T) -> None:
        """This `kind` is `value` (a fake in a test, a setting)."""
        self._factories[kind] = lambda _: value
        self._built[kind] = value

    def has(self, kind: type[Any]) -> bool:
        return kind in self._factories

    def get(self, kind: type[T]) -> T:
        if kind not in self._built:
            if kind not in self._factories:
                raise LookupError(f"nothing is registered for {kind.__name__}")
            self._built[kind] = self._factories[kind](self)
        built: T = self._built[kind]
        return built

    def derive(self, area: type[A], **given: Any) -> A:
        """An area's dependencies (a dataclass): each field whose type is registered comes from the
        container, `given` sets others by name (settings, a second worker), the rest keep their defaults."""
        hints = typing.get_type_hints(area)
        values = dict(given)
        for field in dataclasses.fields(area):  # type: ignore[arg-type]
            kind = _port(hints[field.name])
            if field.name not in values and kind is not None and self.has(kind):
                values[field.name] = self.get(kind)
        return area(**values)


def _port(hint: Any) -> type[Any] | None:
    """The type a field asks the container for (its own, or X of `X | None`); None for anything else."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        kinds = [a for a in typing.get_args(hint) if a is not type(None)]
        hint = kinds[0] if len(kinds) == 1 else None
    return hint if isinstance(hint, type) else None
