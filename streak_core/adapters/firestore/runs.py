"""`maintenance_runs/{run_id}`, with a `batches/{index}` marker so each batch is counted once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, run_transaction, store_errors
from streak_core.adapters.firestore.codec import Codec
from streak_core.models.maintenance import MaintenanceRun
from streak_core.ports.maintenance import RunStore

ATTEMPTS = 5  # runs are written by one tick and a few hundred batches: contention stays low


RUN_DOC = Codec(MaintenanceRun)


class FirestoreRunStore(RunStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def start(self, run_id: str, now: datetime) -> bool:
        client = self._client()
        ref = paths.maintenance_run(client, run_id)

        def body(transaction: Any) -> bool:
            existing = ref.get(transaction=transaction)
            if existing.exists and existing.get("batches") is not None:
                return False
            if not existing.exists:
                transaction.set(ref, RUN_DOC.dump(MaintenanceRun.started(run_id, now)))
            return True

        return run_transaction(client, body, ATTEMPTS)

    def fanned_out(self, run_id: str, users_due: int, batches: int, now: datetime) -> None:
        client = self._client()
        ref = paths.maintenance_run(client, run_id)

        def body(transaction: Any) -> None:
            run = RUN_DOC.load(ref.get(transaction=transaction).to_dict())
            transaction.set(ref, RUN_DOC.dump(run.fanned_out(users_due, batches, now)))

        run_transaction(client, body, ATTEMPTS)

    def record_batch(self, run_id: str, index: int, processed: int, failed: int, now: datetime) -> bool:
        client = self._client()
        ref = paths.maintenance_run(client, run_id)
        marker = ref.collection("batches").document(str(index))

        def body(transaction: Any) -> bool:
            run_doc, marker_doc = ref.get(transaction=transaction), marker.get(transaction=transaction)
            if marker_doc.exists or not run_doc.exists:
                return False
            run = RUN_DOC.load(run_doc.to_dict()).with_batch(processed, failed, now)
            transaction.create(marker, {"processed": processed, "failed": failed, "at": now})
            transaction.set(ref, RUN_DOC.dump(run))
            return True

        return run_transaction(client, body, ATTEMPTS)

    def get(self, run_id: str) -> MaintenanceRun | None:
        with store_errors():
            doc = paths.maintenance_run(self._client(), run_id).get()
        return RUN_DOC.load(doc.to_dict()) if doc.exists else None
