"""Field types and model bases shared by every area of the API, and response models derived from views.

Requests are parsed field by field with the domain's own rules as validators. Responses serialise the
services' views: a view's fields are declared once, on the view; `view_model` derives its response model
(the wire types and the descriptions are all the HTTP layer adds)."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictStr,
    WithJsonSchema,
    create_model,
)
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from streak_core.domain.day_start import parse_day_start
from streak_core.domain.ids import MAX_CURSOR_CHARS, is_document_id, is_user_id
from streak_core.domain.leagues import is_week
from streak_core.domain.sessions import MAX_INSTANT_CHARS, MAX_ZONE_CHARS, parse_date, parse_instant
from streak_core.domain.timeline import zone_named
from streak_core.models.users import MAX_DISPLAY_NAME, display_name_rule

HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d", re.ASCII)
MAX_DISPLAY_NAME_SENT = 4 * MAX_DISPLAY_NAME  # spaces around a name are trimmed, but not without end
MAX_PAGE = 100  # items one page of any listing holds at most


def rule(code: str, check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A validator applying a domain rule (which raises ValueError) under a stable error code."""

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except ValueError as exc:
            raise PydanticCustomError(code, str(exc)) from None

    return validate


def _zone(name: str) -> str:
    zone_named(name)
    return name


def _date(value: object) -> date:
    if not isinstance(value, str):
        raise ValueError("must be a date as YYYY-MM-DD")
    return parse_date(value)


def _instant(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 instant with an offset")
    return parse_instant(value)


def _clock_time(value: object) -> time:
    if not isinstance(value, str) or not HH_MM.fullmatch(value):
        raise ValueError('must be a local time as "HH:MM"')
    return time.fromisoformat(value)


def _holds(check: Callable[[str], bool], what: str) -> Callable[[str], str]:
    def holds(value: str) -> str:
        if not check(value):
            raise ValueError(f"is not {what}")
        return value

    return holds


Instant = Annotated[
    datetime,
    PlainSerializer(lambda moment: moment.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
# The longest text of each kind the parsers accept, declared in the document (OWASP API4: inputs bounded).
INSTANT_SCHEMA: JsonDict = {
    "type": "string",
    "format": "date-time",
    "minLength": 20,
    "maxLength": MAX_INSTANT_CHARS,
}
DATE_SCHEMA: JsonDict = {"type": "string", "format": "date", "minLength": 10, "maxLength": 10}
ZONE_SCHEMA: JsonDict = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_ZONE_CHARS,
    "pattern": r"^[A-Za-z0-9_+/-]+$",
}
InstantIn = Annotated[
    datetime,
    BeforeValidator(rule("invalid_instant", _instant)),
    WithJsonSchema(INSTANT_SCHEMA),
]
DateIn = Annotated[
    date,
    BeforeValidator(rule("invalid_date", _date)),
    WithJsonSchema(DATE_SCHEMA),
]
TimeZoneName = Annotated[
    StrictStr,
    AfterValidator(rule("unknown_timezone", _zone)),
    WithJsonSchema({**ZONE_SCHEMA, "description": "An IANA time zone name, e.g. Europe/Paris"}),
]
DisplayName = Annotated[
    StrictStr,
    Field(max_length=MAX_DISPLAY_NAME_SENT),
    AfterValidator(rule("invalid_display_name", display_name_rule)),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": MAX_DISPLAY_NAME_SENT,
            "description": f"1-{MAX_DISPLAY_NAME} printable characters once trimmed"
            f" (at most {MAX_DISPLAY_NAME_SENT} as sent)",
        }
    ),
]
ClockTimeOut = Annotated[
    time,
    PlainSerializer(lambda t: f"{t:%H:%M}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": f"^{HH_MM.pattern}$", "maxLength": 5}),
]
ClockTime = Annotated[ClockTimeOut, BeforeValidator(rule("invalid_time", _clock_time))]


def _day_start(value: object) -> int:
    if not isinstance(value, str):
        raise ValueError('must be "HH:MM"')
    return parse_day_start(value)


DayStartIn = Annotated[
    int,
    BeforeValidator(rule("invalid_day_start", _day_start)),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^(0[0-9]|1[0-2]):(00|15|30|45)$",
            "maxLength": 5,
            "description": "When the user's day starts: 00:00 to 12:00 in steps of 15 minutes",
        }
    ),
]
UserId = Annotated[
    StrictStr,
    AfterValidator(rule("invalid_user_id", _holds(is_user_id, "an id any user can have"))),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[^/]+$"}),
]
DocumentId = Annotated[StrictStr, AfterValidator(rule("invalid_id", _holds(is_document_id, "a storable id")))]
LeagueWeek = Annotated[
    StrictStr,
    AfterValidator(rule("invalid_week", _holds(is_week, "an ISO week such as 2026-W49"))),
    WithJsonSchema({"type": "string", "pattern": "^[0-9]{4}-W[0-9]{2}$"}),
]


class Model(BaseModel):
    """Every model of our functions: its validator and serializer are built when it is first used
    (`defer_build`), so an instance builds those of the bodies it reads and the answers it gives, not of
    every model its area's modules define (~1 ms each: bench/coldstart.py)."""

    model_config = ConfigDict(defer_build=True)


class Strict(Model):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class View(Model):
    """A response: read from a service's view (a dataclass) by attribute."""

    model_config = ConfigDict(from_attributes=True)


class PageQuery(Model):
    limit: int = Field(default=20, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(
        default=None,
        description=f"next_cursor of the previous page, as returned (at most {MAX_CURSOR_CHARS} characters)",
        json_schema_extra={"maxLength": MAX_CURSOR_CHARS},  # longer ones are refused unread (422)
    )


# The response model of each view derived so far: nested views serialise as their own models.
_DERIVED: dict[type, type[BaseModel]] = {}
M = TypeVar("M", bound=BaseModel)


def derived(
    view: type,
    *,
    fields: Mapping[str, FieldInfo] | None = None,
    leave_out: tuple[str, ...] = (),
) -> Callable[[type[M]], type[M]]:
    """Make the decorated model the response model of a view dataclass: its fields are the view's, in the
    view's order, with their wire types (instants as RFC 3339 with the offset they carry, nested views as
    their derived models, tuples as arrays), then any the model itself declares (what the API adds).
    `fields` gives a view field its description, alias or bounds in the document; `leave_out` names what
    the view holds but the API does not send."""

    def derive(model: type[M]) -> type[M]:
        hints = typing.get_type_hints(view)
        made: dict[str, Any] = {}
        for item in dataclasses.fields(view):
            if item.name not in leave_out:
                info = (fields or {}).get(item.name) or Field()
                made[item.name] = (_wire(hints[item.name]), info)
        made |= {name: (info.annotation, info) for name, info in model.model_fields.items()}
        result: type[M] = create_model(  # same name and base, so the document's schema keeps its name
            model.__name__,
            __base__=model.__bases__[0],
            __doc__=model.__doc__,
            __module__=model.__module__,
            **made,
        )
        _DERIVED[view] = result
        return result

    return derive


def _wire(hint: Any) -> Any:
    """A view's field type as the API sends it."""
    if hint is datetime:
        return Instant
    if hint in _DERIVED:
        return _DERIVED[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        wired = [_wire(arg) for arg in args]
        union = wired[0]
        for arg in wired[1:]:
            union = union | arg
        return union
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return list[_wire(args[0])]  # type: ignore[misc]  # built at run time from the view's hint
    if origin is list:
        return list[_wire(args[0])]  # type: ignore[misc]  # as above
    if dataclasses.is_dataclass(hint):
        raise TypeError(f"derive the model of {hint!r} before the views holding it")
    return hint
