"""`boards/{key}/rank/{id}`: a board's public entries counted along its order, so a rank is one batched
read of a few documents by id (no query: a query costs the emulator a pass over the whole database).

Along the order (score desc, longest streak desc, day reached asc, instant reached asc, uid), each document
holds a map of counts, sharded by user so a popular score is no write hot spot:
- `blocks-{shard}`: entries per block of BLOCK scores;
- `block-{block}-{shard}`: entries per score within one block;
- `score-{score}-{shard}`: entries per longest streak within one score;
- `group-{score}-{longest}-{shard}`: entries per day reached within one (score, longest streak);
- `tie-{score}-{longest}-{day}-{shard}`: the instant each user of that group reached it, by uid.
A rank reads the SHARDS documents of each of the five kinds on the caller's path: 5 x SHARDS by id.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from streak_core.domain.boards import BoardEntry, BoardMove, BoardPosition, RankPath, position_path, rank_path

SHARDS = 8
BLOCK = 64  # scores per block: the directory of blocks stays small for any score a streak reaches
REMOVED = object()  # a tie's user leaving it (a field deletion)
LEVELS = (1, 2, 3)  # prefixes of the rank path: score, longest streak, day reached

Changes = dict[str, dict[str, dict[str, Any]]]  # doc id -> {"c" or "t": {key: delta or value}}


def shard_of(uid: str) -> int:
    return int(hashlib.sha256(uid.encode()).hexdigest()[:8], 16) % SHARDS


def _counts_of(path: RankPath, level: int, shard: int) -> list[tuple[str, str]]:
    """The (doc id, map key) counts a path adds to at `level` (level 1: the directory and a block)."""
    score, longest, day = path
    if level == 1:
        return [(f"blocks-{shard}", str(score // BLOCK)), (f"block-{score // BLOCK}-{shard}", str(score))]
    if level == 2:
        return [(f"score-{score}-{shard}", str(longest))]
    return [(f"group-{score}-{longest}-{shard}", str(day))]


def tie_id(path: RankPath, shard: int) -> str:
    return "tie-" + "-".join(map(str, path)) + f"-{shard}"


def _count(out: Changes, path: RankPath, level: int, shard: int, delta: int) -> None:
    for doc_id, key in _counts_of(path, level, shard):
        counts = out[doc_id]["c"]
        counts[key] = counts.get(key, 0) + delta


def changes(move: BoardMove) -> Changes:
    """What a move does to the rank documents: count deltas, and the tie it leaves and joins."""
    shard = shard_of(move.uid)
    out: Changes = defaultdict(lambda: defaultdict(dict))
    for level, left, joined in move.level_changes():
        for path, delta in ((left, -1), (joined, 1)):
            if path is not None:
                _count(out, path, level, shard, delta)
    was, now = move.path_before, move.path_after
    if was is not None and was != now:
        out[tie_id(was, shard)]["t"][move.uid] = REMOVED
    if now is not None and move.after is not None:
        out[tie_id(now, shard)]["t"][move.uid] = move.after.reached_at
    return {
        doc_id: {kind: {k: v for k, v in values.items() if v != 0} for kind, values in fields.items()}
        for doc_id, fields in out.items()
        if any(v != 0 for values in fields.values() for v in values.values())
    }


def totals(entries: Iterable[BoardEntry]) -> Changes:
    """The rank documents of a whole board, from its entries (a recount, a bulk load)."""
    out: Changes = defaultdict(lambda: defaultdict(dict))
    for entry in entries:
        path = rank_path(entry)
        if path is None:
            continue
        shard = shard_of(entry.uid)
        for level in LEVELS:
            _count(out, path, level, shard, 1)
        out[tie_id(path, shard)]["t"][entry.uid] = entry.reached_at
    return {doc_id: dict(fields) for doc_id, fields in out.items()}


def needed(of: BoardPosition) -> list[str]:
    """The ids a rank of `of` reads."""
    path = position_path(of)
    return [
        doc_id
        for shard in range(SHARDS)
        for doc_id in [
            *(d for level in LEVELS for d, _ in _counts_of(path, level, shard)),
            tie_id(path, shard),
        ]
    ]


def ahead(docs: Mapping[str, Mapping[str, Any]], of: BoardPosition) -> int:
    """Public entries before `of` in board order, from the documents `needed(of)` names (missing: empty)."""
    score, longest, day = position_path(of)
    block = score // BLOCK
    total = 0
    for doc_id, data in docs.items():
        counts = {int(k): int(v) for k, v in (data.get("c") or {}).items()}
        if doc_id.startswith("blocks-"):
            total += sum(n for b, n in counts.items() if b > block)
        elif doc_id.startswith("block-"):
            total += sum(n for s, n in counts.items() if s > score)
        elif doc_id.startswith("score-"):
            total += sum(n for ln, n in counts.items() if ln > longest)
        elif doc_id.startswith("group-"):
            total += sum(n for d, n in counts.items() if d < day)
        elif doc_id.startswith("tie-"):
            ties = data.get("t") or {}
            total += sum(1 for uid, at in ties.items() if (at, uid) < (of.reached_at, of.uid))
    return total
