"""Erasing a user from Firestore: the receipt that a request for it leaves and the job follows, and the steps
(erasure_steps.py), run a page at a time."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from streak_core.adapters.firestore.client import LazyFirestore, run_transaction, store_errors
from streak_core.adapters.firestore.events import stage_events
from streak_core.adapters.lazy import Lazy
from streak_core.domain.ids import erasure_id
from streak_core.domain.vocabulary import ErasureStep
from streak_core.models.events import deletion_event
from streak_core.ports.erasure import Eraser, ErasureReceipt

if TYPE_CHECKING:
    from streak_core.adapters.firestore.erasure_steps import ErasureSteps

RECEIPTS = "deletions"


class FirestoreEraser(Eraser):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client
        self._steps = Lazy(lambda: _steps(client))

    # --- the receipt ------------------------------------------------------------------------------------
    def receipt(self, uid: str) -> ErasureReceipt | None:
        with store_errors():
            doc = self._client().collection(RECEIPTS).document(erasure_id(uid)).get()
        if not doc.exists:
            return None
        data = doc.to_dict()
        return ErasureReceipt(data["requested_at"], data.get("finished_at"))

    def begin(self, uid: str, now: datetime) -> ErasureReceipt:
        ref = self._client().collection(RECEIPTS).document(erasure_id(uid))

        def body(transaction: Any) -> ErasureReceipt:
            doc = ref.get(transaction=transaction)
            if doc.exists:
                data = doc.to_dict()
                return ErasureReceipt(data["requested_at"], data.get("finished_at"))
            transaction.set(ref, {"requested_at": now, "finished_at": None})
            return ErasureReceipt(now, None)

        return run_transaction(self._client(), body)

    def finish(self, uid: str, now: datetime) -> None:
        """The receipt, and the `user.deleted` event in the same write (the sweep fans it out)."""
        client = self._client()
        batch = client.batch()
        batch.update(client.collection(RECEIPTS).document(erasure_id(uid)), {"finished_at": now})
        stage_events(client, batch, [deletion_event(uid, erasure_id(uid), now)])
        with store_errors():
            batch.commit()

    def erase(self, uid: str, step: ErasureStep, limit: int) -> int:
        return self._steps().run(uid, step, limit)


def _steps(client: LazyFirestore) -> ErasureSteps:
    # The steps reach into every area's documents (shares, challenges, friends, boards, leagues): imported
    # when this instance first erases someone, not by a cold start whose area only reads a receipt.
    from streak_core.adapters.firestore.erasure_steps import ErasureSteps  # noqa: PLC0415

    return ErasureSteps(client)
