"""Where each kind of document lives: the collection names in one place."""

from __future__ import annotations

import hashlib
from typing import Any


def user(client: Any, uid: str) -> Any:
    return client.collection("users").document(uid)


def streak(client: Any, uid: str) -> Any:
    return client.collection("streaks").document(uid)


def day(client: Any, uid: str, iso_date: str) -> Any:
    return user(client, uid).collection("days").document(iso_date)


def session(client: Any, uid: str, session_id: str) -> Any:
    return user(client, uid).collection("sessions").document(session_id)


def pauses(client: Any, uid: str) -> Any:
    return user(client, uid).collection("pauses")


def device(client: Any, uid: str, token: str) -> Any:
    """FCM tokens are long and not meant as document ids: the id is a digest, the token a field."""
    return user(client, uid).collection("devices").document(hashlib.sha256(token.encode()).hexdigest())


def outbox(client: Any) -> Any:
    return client.collection("outbox")


def board_entries(client: Any, key: str) -> Any:
    return client.collection("boards").document(key).collection("entries")


def board_entry(client: Any, key: str, uid: str) -> Any:
    return board_entries(client, key).document(uid)


def board_rank_counts(client: Any, key: str, path: tuple[int, ...], level: int) -> Any:
    """A board's public entries counted along its order (streak_core/domain/boards.py `BoardMove`): level 1
    `boards/{key}/rank-1` per score; level 2 `rank-2-{score}` per longest streak; level 3
    `rank-3-{score}-{longest}` per day reached. A collection per group, so a query touches only that group
    (the emulator scans every collection of a name); their queries need single-field indexes only."""
    name = "-".join(["rank", str(level), *(str(part) for part in path[: level - 1])])
    return client.collection("boards").document(key).collection(name)


def board_tie_group(client: Any, key: str, path: tuple[int, int, int]) -> Any:
    """`boards/{key}/tied-{score}-{longest}-{day}/{uid}`: the public entries that reached one score with one
    longest streak on one day, ordered by the instant they reached it."""
    return client.collection("boards").document(key).collection("tied-" + "-".join(map(str, path)))


def board_snapshot(client: Any, key: str) -> Any:
    return client.collection("board_snapshots").document(key)


def maintenance_run(client: Any, run_id: str) -> Any:
    return client.collection("maintenance_runs").document(run_id)


def dead_letters(client: Any) -> Any:
    return client.collection("dead_letters")


def outage(client: Any, outage_id: str) -> Any:
    return client.collection("outages").document(outage_id)


def badge_count_shard(client: Any, shard: int) -> Any:
    return client.collection("badge_counts").document(f"shard-{shard:02d}")


def challenges(client: Any) -> Any:
    return client.collection("challenges")


def challenge(client: Any, challenge_id: str) -> Any:
    return challenges(client).document(challenge_id)


def challenge_shard(client: Any, challenge_id: str, shard: int) -> Any:
    return challenge(client, challenge_id).collection("shards").document(f"shard-{shard:02d}")


def membership(client: Any, uid: str, challenge_id: str) -> Any:
    """Under the user, so their history (rebuilds) holds it; ranked by a collection-group query."""
    return user(client, uid).collection("memberships").document(challenge_id)


def shares(client: Any) -> Any:
    return client.collection("shares")


def share_open_shard(client: Any, share_id: str, shard: int) -> Any:
    return shares(client).document(share_id).collection("opens").document(f"shard-{shard:02d}")


def month(client: Any, uid: str, year_month: str) -> Any:
    """`users/{uid}/months/{YYYY-MM}`: each day's focus seconds of a month, for the calendar."""
    return user(client, uid).collection("months").document(year_month)


def rate_limit_window(client: Any, doc_id: str) -> Any:
    return client.collection("rate_limits").document(doc_id)


def job(client: Any, job_id: str) -> Any:
    return client.collection("jobs").document(job_id)


def job_dead_letter(client: Any, job_id: str) -> Any:
    return client.collection("job_dead_letters").document(job_id)
