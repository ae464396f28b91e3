"""`outages/{id}`: outage windows recorded by operators, applied by runs (and kept for rebuilds)."""

from __future__ import annotations

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, store_errors
from streak_core.adapters.firestore.codec import Codec
from streak_core.models.maintenance import Outage
from streak_core.ports.maintenance import OutageStore

OUTAGE_DOC = Codec(Outage)


class FirestoreOutageStore(OutageStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def create(self, outage: Outage) -> None:
        with store_errors():
            paths.outage(self._client(), outage.id).create(OUTAGE_DOC.dump(outage))

    def get(self, outage_id: str) -> Outage | None:
        with store_errors():
            doc = paths.outage(self._client(), outage_id).get()
        return OUTAGE_DOC.load(doc.to_dict()) if doc.exists else None
