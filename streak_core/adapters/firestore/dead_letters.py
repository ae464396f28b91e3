"""`dead_letters/{run_id}:{uid}`: users whose maintenance exhausted its retries."""

from __future__ import annotations

from streak_core.adapters.firestore import paths
from streak_core.adapters.firestore.client import LazyFirestore, store_errors, stream
from streak_core.adapters.firestore.codec import Codec
from streak_core.models.maintenance import DeadLetter
from streak_core.ports.maintenance import DeadLetterStore

DEAD_LETTER_DOC = Codec(DeadLetter)


class FirestoreDeadLetters(DeadLetterStore):
    def __init__(self, client: LazyFirestore) -> None:
        self._client = client

    def add(self, letter: DeadLetter) -> None:
        with store_errors():
            paths.dead_letters(self._client()).document(letter.id).set(DEAD_LETTER_DOC.dump(letter))

    def list(self, limit: int) -> list[DeadLetter]:
        query = paths.dead_letters(self._client()).order_by("failed_at").limit(limit)
        return [DEAD_LETTER_DOC.load(doc.to_dict()) for doc in stream(query, "dead letters")]

    def remove(self, letter_id: str) -> None:
        with store_errors():
            paths.dead_letters(self._client()).document(letter_id).delete()
