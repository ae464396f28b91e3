"""A user's documents read a page at a time, for the listing of sessions and the export."""

from __future__ import annotations

from datetime import date
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.challenges import MEMBERSHIPS
from streak_core.adapters.firestore.client import LazyFirestore, stream
from streak_core.adapters.firestore.documents import MEMBERSHIP_DOC, day_from_doc, session_from_doc
from streak_core.domain.challenges import Membership
from streak_core.domain.vocabulary import Platform
from streak_core.models.streaks import DayRecord, StoredSession
from streak_core.ports.your_data import Device, SessionPosition, UserDataReader


class FirestoreUserData(UserDataReader):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def sessions_page(
        self, uid: str, lo_ms: int, hi_ms: int, limit: int, after: SessionPosition | None
    ) -> list[StoredSession]:
        """By `start_ms`, which tombstones lack: they are never listed."""
        sessions = paths.user(self._client(), uid).collection("sessions")
        newest = firestore.Query.DESCENDING
        query: Any = (
            sessions.where(filter=FieldFilter("start_ms", ">=", lo_ms))
            .where(filter=FieldFilter("start_ms", "<", hi_ms))
            .order_by("start_ms", direction=newest)
            .order_by("__name__", direction=newest)
            .limit(limit)
        )
        if after is not None:
            query = query.start_after(
                {"start_ms": after.start_ms, "__name__": sessions.document(after.session_id)}
            )
        return [session_from_doc(doc.to_dict()) for doc in stream(query, "sessions")]

    def days_page(self, uid: str, after: date | None, limit: int) -> list[DayRecord]:
        query: Any = paths.user(self._client(), uid).collection("days").order_by("date").limit(limit)
        if after is not None:
            query = query.start_after({"date": after.isoformat()})
        return [day_from_doc(doc.to_dict()) for doc in stream(query, "days")]

    def devices(self, uid: str) -> list[Device]:
        docs = stream(paths.user(self._client(), uid).collection("devices"), "devices")
        return [
            Device(str(d.get("token")), Platform(d.get("platform")), (d.to_dict() or {}).get("registered_at"))
            for d in docs
        ]

    def memberships(self, uid: str) -> list[Membership]:
        docs = stream(paths.user(self._client(), uid).collection(MEMBERSHIPS), "memberships")
        return [MEMBERSHIP_DOC.load(doc.to_dict()) for doc in docs]
