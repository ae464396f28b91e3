"""Log lines Cloud Logging understands: the standard `logging` module, formatted by python-json-logger."""

from __future__ import annotations

import logging
import re
import sys
from functools import cache
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from streak_core import context

TRACE_FIELD = "logging.googleapis.com/trace"
_CLOUD_TRACE = re.compile(r"([0-9a-fA-F]{32})(?:/.*)?")  # X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")  # W3C trace context


def trace_id(cloud_trace_context: str | None, traceparent: str | None) -> str | None:
    """The trace id of a request from either header (Google's own first); None when neither is usable."""
    for header, pattern in ((cloud_trace_context, _CLOUD_TRACE), (traceparent, _TRACEPARENT)):
        match = pattern.fullmatch(header.strip()) if header else None
        if match and set(match.group(1)) != {"0"}:
            return match.group(1).lower()
    return None


class _Context(logging.Filter):
    """Adds what the context knows (correlation id, user, operation, trace) to every record."""

    def __init__(self, project_id: str | None) -> None:
        super().__init__()
        self._project_id = project_id

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (
            ("correlation_id", context.correlation_id()),
            ("user_id", context.user_id()),
            ("operation", context.operation()),
        ):
            if not hasattr(record, name):
                setattr(record, name, value)
        trace = context.trace()
        if trace and self._project_id:
            setattr(record, TRACE_FIELD, f"projects/{self._project_id}/traces/{trace}")
        return True


class _Stdout(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stdout` is at the time (Cloud Logging reads stdout; tests capture it)."""

    @property  # the base class assigns a stream once; this one is looked up at each line
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


@cache
def configure(project_id: str | None = None) -> None:
    """Once per instance, before the first line: JSON on stdout with `severity`, `message`, `time` and the
    context's fields; INFO and above."""
    handler = _Stdout()
    handler.setFormatter(
        JsonFormatter(
            "{message}{levelname}",
            style="{",
            rename_fields={"levelname": "severity"},
            timestamp="time",  # RFC 3339 in UTC, from the record's creation
            json_ensure_ascii=False,
            json_default=str,
        )
    )
    handler.addFilter(_Context(project_id))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Stdout)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
