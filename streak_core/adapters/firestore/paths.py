"""Where each kind of document lives: the collection names in one place."""

from __future__ import annotations

import hashlib
from typing import Any


def user(client: Any, uid: str) -> Any:
    return client.collection("users").document(uid)


def streak(client: Any, uid: str) -> Any:
    return client.collection("streaks").document(uid)


# One `client.document(...)` per reference: these are built for every acceptance's read.
def day(client: Any, uid: str, iso_date: str) -> Any:
    return client.document("users", uid, "days", iso_date)


def session(client: Any, uid: str, session_id: str) -> Any:
    return client.document("users", uid, "sessions", session_id)


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
    return client.document("boards", key, "entries", uid)


def board_ranks(client: Any, key: str) -> Any:
    """`boards/{key}/rank`: the board's public entries counted along its order (firestore/ranks.py)."""
    return client.collection("boards").document(key).collection("rank")


def board_rank(client: Any, key: str, doc_id: str) -> Any:
    return board_ranks(client, key).document(doc_id)


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


def rate_limit_windows(client: Any) -> Any:
    return client.collection("rate_limits")


def rate_limit_window(client: Any, doc_id: str) -> Any:
    return rate_limit_windows(client).document(doc_id)


def job(client: Any, job_id: str) -> Any:
    return client.collection("jobs").document(job_id)


def job_dead_letter(client: Any, job_id: str) -> Any:
    return client.collection("job_dead_letters").document(job_id)


def events(client: Any) -> Any:
    return client.collection("events")


def webhooks(client: Any) -> Any:
    return client.collection("webhooks")


def webhook_deliveries(client: Any, endpoint_id: str) -> Any:
    return webhooks(client).document(endpoint_id).collection("deliveries")


def webhook_lane(client: Any, endpoint_id: str, lane: int) -> Any:
    return webhooks(client).document(endpoint_id).collection("lanes").document(str(lane))


def league_members(client: Any) -> Any:
    return client.collection("league_members")


def league_member(client: Any, week: str, uid: str) -> Any:
    """One user's week: the id is deterministic, so nobody has two documents of one week."""
    return league_members(client).document(f"{week}:{uid}")


def league_cohorts(client: Any) -> Any:
    return client.collection("league_cohorts")


def league_opening(client: Any, week: str, tier: str, series: str) -> Any:
    return client.collection("league_openings").document(f"{week}-{tier}-{series}")


def league_seats(client: Any) -> Any:
    return client.collection("league_seats")


def league_seat(client: Any, cohort_id: str, slot: int) -> Any:
    """A seat of a joined cohort, claimed by creating it: two joiners can never hold one."""
    return league_seats(client).document(f"{cohort_id}-{slot:02d}")
