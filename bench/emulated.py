"""A bench's own Firestore: the emulator on a free port, this process's environment pointed at it, a client
and the lazy handle the adapters take; stopped (by its PID) when the bench ends or fails."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from devstack.stack import Stack
from streak_core.adapters.firestore.client import LazyFirestore


class Emulated(NamedTuple):
    stack: Stack
    client: Any  # google.cloud.firestore.Client
    lazy: LazyFirestore


@contextmanager
def firestore_emulator() -> Iterator[Emulated]:
    with tempfile.TemporaryDirectory() as work, Stack(Path(work), components=("firestore",)) as stack:
        os.environ.update(stack.env())
        from google.cloud import firestore

        client = firestore.Client(project=stack.project_id)
        yield Emulated(stack, client, LazyFirestore(None, factory=lambda _: client))
