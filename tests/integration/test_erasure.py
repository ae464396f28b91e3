"""Erasing a user on emulators of its own: afterwards a scan of every document finds the user's id nowhere,
every counter equals a recount, and an erasure killed midway finishes when run again."""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from devstack.stack import Stack
from streak_core.adapters.firebase_auth import FirebaseAccounts
from streak_core.adapters.firestore.boards import FirestoreLeaderboardStore
from streak_core.adapters.firestore.challenges import FirestoreChallengeStore
from streak_core.adapters.firestore.client import LazyFirestore
from streak_core.adapters.firestore.dead_letters import FirestoreDeadLetters
from streak_core.adapters.firestore.erasure import FirestoreEraser
from streak_core.adapters.firestore.friends import FirestoreFriendStore
from streak_core.adapters.firestore.jobs import FirestoreJobStore
from streak_core.adapters.firestore.leagues import FirestoreLeagueStore
from streak_core.adapters.firestore.pauses import FirestorePauseStore
from streak_core.adapters.firestore.shares import FirestoreShareStore
from streak_core.adapters.firestore.users import FirestoreProfiles, FirestoreUserStore
from streak_core.adapters.firestore.webhooks import FirestoreWebhookStore
from streak_core.domain.challenges import ChallengeTerms
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.ids import erasure_id
from streak_core.domain.sessions import SessionFields
from streak_core.domain.vocabulary import (
    ChallengeKind,
    ChallengeVisibility,
    EndpointStatus,
    ErasureStep,
    EventType,
    Platform,
    Visibility,
)
from streak_core.models.maintenance import DeadLetter
from streak_core.models.users import SettingsChange
from streak_core.models.webhooks import Endpoint, FanOut
from streak_core.ports.erasure import ErasureReceipt
from streak_core.services import challenges, pauses, shares
from streak_core.services.erasure import erase_user
from streak_core.services.friends import Friends
from streak_core.services.jobs import submit_job
from streak_core.services.leagues import Leagues
from streak_core.services.queries import update_settings
from streak_core.services.sessions import accept_sessions
from tests.conftest import AuthEmulator
from tests.unit.fakes import RecordingJobQueue

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Firestore and Auth emulators of this module alone, so a scan of every document is this test's."""
    stack = Stack(
        Path(tmp_path_factory.mktemp("erasure")), f"demo-erase-{uuid.uuid4().hex[:6]}", ("firestore", "auth")
    )
    with stack:
        yield stack


@pytest.fixture
def world(own: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    for name, value in own.env().items():
        monkeypatch.setenv(name, value)
    world = World(own)
    yield world
    world.reset()


class World:
    def __init__(self, stack: Stack) -> None:
        from google.cloud import firestore

        self.stack, self.client = stack, firestore.Client(project=stack.project_id)
        self.lazy = LazyFirestore(None, factory=lambda _: self.client)
        self.users, self.boards = FirestoreUserStore(self.lazy), FirestoreLeaderboardStore(self.lazy)
        self.friends = Friends(
            FirestoreFriendStore(self.lazy), self.boards, FirestoreProfiles(self.lazy), DEFAULT_CONFIG
        )
        self.challenges, self.shares = FirestoreChallengeStore(self.lazy), FirestoreShareStore(self.lazy)
        self.eraser, self.accounts = FirestoreEraser(self.lazy), FirebaseAccounts(stack.project_id)
        self.auth = AuthEmulator(stack.hosts["auth"], stack.project_id)

    def reset(self) -> None:
        import requests

        host = self.stack.hosts["firestore"]
        requests.delete(
            f"http://{host}/emulator/v1/projects/{self.stack.project_id}/databases/(default)/documents",
            timeout=10,
        )

    def person(self, name: str) -> str:
        uid, _ = self.auth.sign_up()
        change = SettingsChange(leaderboard_visibility=Visibility.PUBLIC, display_name=name, timezone="UTC")
        update_settings(self.users, uid, change, NOW)
        raws = [
            SessionFields(f"s{d}", f"2026-11-{d:02d}T08:00:00Z", f"2026-11-{d:02d}T09:00:00Z", "UTC")
            for d in range(12, 21)
        ]
        accept_sessions(self.users, uid, raws, NOW, DEFAULT_CONFIG)
        return uid

    def everything(self) -> list[tuple[str, str]]:
        """(path, data as JSON) of every document in the database."""
        found: list[tuple[str, str]] = []

        def walk(collections: Any) -> None:
            for collection in collections:
                for ref in collection.list_documents():
                    snapshot = ref.get()
                    if snapshot.exists:
                        found.append((ref.path, json.dumps(snapshot.to_dict(), default=str)))
                    walk(ref.collections())

        walk(self.client.collections())
        return found

    def counters(self) -> dict[str, Any]:
        """Every counter as stored, and as a count of what it counts."""
        badge_counts: Counter[str] = Counter()
        for shard in self.client.collection("badge_counts").stream():
            badge_counts.update({k: int(v) for k, v in (shard.get("counts") or {}).items()})
        held: Counter[str] = Counter()
        for streak in self.client.collection("streaks").stream():
            held.update(list(streak.get("badges") or {}))
            held["active_users"] += bool(streak.get("counted_active"))
        participants = {}
        for challenge in self.client.collection("challenges").stream():
            shards = challenge.reference.collection("shards").stream()
            counted = sum(int(s.get("participants") or 0) for s in shards)
            members = [
                m for m in self.client.collection_group("memberships").stream() if m.id == challenge.id
            ]
            participants[challenge.id] = (counted, len(members))
        friends = {
            user.id: (
                int(user.get("friend_count") or 0),
                len(list(user.reference.collection("friends").stream())),
            )
            for user in self.client.collection("users").stream()
        }
        return {
            "badges": {k: v for k, v in badge_counts.items() if v} == {k: v for k, v in held.items() if v},
            "participants": all(a == b for a, b in participants.values()),
            "friends": all(a == b for a, b in friends.values()),
            "ranks": self._ranks_agree(),
        }

    def _ranks_agree(self) -> bool:
        for board in self.client.collection("boards").list_documents():
            stored = self._rank_docs(board.id)
            self.boards.recount(board.id)
            if stored != self._rank_docs(board.id):
                return False
        return True

    def _rank_docs(self, key: str) -> dict[str, Any]:
        def nonzero(value: Any) -> Any:
            if isinstance(value, dict):
                kept = {k: nonzero(v) for k, v in value.items()}
                return {k: v for k, v in kept.items() if v not in (0, {}, None)}
            return value

        docs = self.client.collection("boards").document(key).collection("rank").stream()
        return {k: v for d in docs if (v := nonzero(d.to_dict())) for k in [d.id]}


def populate(world: World) -> tuple[str, str]:
    """Ada, about to be erased, and Bob, who stays: friends, in each other's challenges, on the boards."""
    ada, bob = world.person("Ada"), world.person("Bob")
    world.friends.request(ada, bob, NOW)
    world.friends.accept(bob, ada, NOW)
    week = ChallengeTerms(ChallengeKind.QUALIFIED_DAYS, 3, date(2026, 11, 16), date(2026, 11, 29), 0)
    public = ChallengeTerms(ChallengeKind.QUALIFIED_DAYS, 3, date(2026, 11, 16), date(2026, 11, 29), 50)
    theirs = challenges.create_challenge(
        world.challenges, bob, True, "Bob's", public, ChallengeVisibility.PUBLIC, NOW
    )
    mine = challenges.create_challenge(
        world.challenges, ada, False, "Ada's", week, ChallengeVisibility.PRIVATE, NOW
    )
    challenges.join_challenge(world.challenges, ada, theirs.challenge.id, NOW, DEFAULT_CONFIG)
    challenges.join_challenge(world.challenges, bob, mine.challenge.id, NOW, DEFAULT_CONFIG)
    share = shares.create_share(world.users, world.shares, ada, None, NOW, DEFAULT_CONFIG)
    world.shares.count_open(share.id)
    pauses.create_pause(
        FirestorePauseStore(world.lazy), ada, date(2026, 12, 1), date(2026, 12, 3), NOW, DEFAULT_CONFIG
    )
    world.users.add_device(ada, "fcm:ada-phone", Platform.IOS, NOW)
    submit_job(FirestoreJobStore(world.lazy), RecordingJobQueue(), ada, '{"sessions": []}', NOW, "k")
    letter = DeadLetter(f"r1:{ada}", ada, "r1", NOW, "was down", 5, NOW)
    FirestoreDeadLetters(world.lazy).add(letter)
    profiles = FirestoreProfiles(world.lazy)
    leagues = Leagues(FirestoreLeagueStore(world.lazy), world.users, profiles, DEFAULT_CONFIG)
    for uid in (ada, bob):  # one cohort: Bob's standings list Ada until she is erased
        leagues.join(uid, NOW)
    hooks = FirestoreWebhookStore(world.lazy)  # an endpoint that was sent both users' events
    endpoint = Endpoint(
        "wh_test", "https://hooks.example.com/", ("*",), None, EndpointStatus.ENABLED, NOW, NOW, "s"
    )
    hooks.add_endpoint(endpoint, 50)
    for event_id in [doc.id for doc in world.client.collection("events").stream()]:
        stored = hooks.event(event_id)
        assert stored is not None
        hooks.fan_out([FanOut(stored.event, "{}", (endpoint.id,))], NOW)
    return ada, bob


def mentions(world: World, uid: str) -> list[str]:
    """Where the uid is, but the `user.deleted` event and its deliveries (which tell subscribers)."""
    return [
        path
        for path, data in world.everything()
        if (uid in path or uid in data) and EventType.USER_DELETED.value not in data
    ]


def told(world: World, uid: str) -> list[str]:
    """The types of the events about the user that are stored."""
    return [str(d.get("type")) for d in world.client.collection("events").stream() if d.get("uid") == uid]


def test_after_an_erasure_the_uid_is_nowhere_and_every_counter_equals_a_recount(world: World) -> None:
    ada, bob = populate(world)
    assert len(mentions(world, ada)) > 30  # the scan sees what there is to erase
    assert any("/deliveries/" in path for path in mentions(world, ada))
    assert world.counters() == {"badges": True, "participants": True, "friends": True, "ranks": True}
    receipt = erase_user(world.eraser, world.accounts, ada, NOW)
    assert receipt.finished_at == NOW
    assert mentions(world, ada) == []
    assert told(world, ada) == ["user.deleted"]  # written with the receipt, for the sweep to fan out
    assert world.counters() == {"badges": True, "participants": True, "friends": True, "ranks": True}
    assert world.client.collection("deletions").document(erasure_id(ada)).get().exists  # the receipt, no uid
    assert world.accounts.existing([ada, bob]) == {bob}
    assert mentions(world, bob)  # the other user is untouched
    assert world.eraser.receipt(ada) == ErasureReceipt(NOW, NOW)


class Killed(Exception):
    pass


class Crashing(FirestoreEraser):
    """The real eraser, killed after a few pages, as an instance is when its task times out."""

    def __init__(self, lazy: LazyFirestore, after: int) -> None:
        super().__init__(lazy)
        self.left = after

    def erase(self, uid: str, step: ErasureStep, limit: int) -> int:
        if self.left == 0:
            raise Killed(step)
        self.left -= 1
        return super().erase(uid, step, 1)  # a page of one document: the kill falls mid-step


@pytest.mark.parametrize("after", [1, 4, 9])
def test_an_erasure_killed_midway_finishes_when_run_again(world: World, after: int) -> None:
    ada, _ = populate(world)
    with pytest.raises(Killed):
        erase_user(Crashing(world.lazy, after), world.accounts, ada, NOW)
    assert world.eraser.receipt(ada) == ErasureReceipt(NOW, None)  # begun, not finished
    assert world.counters() == {"badges": True, "participants": True, "friends": True, "ranks": True}
    later = NOW + timedelta(minutes=5)
    erase_user(world.eraser, world.accounts, ada, later)
    assert mentions(world, ada) == []
    assert told(world, ada) == ["user.deleted"]
    assert world.counters() == {"badges": True, "participants": True, "friends": True, "ranks": True}
    assert world.eraser.receipt(ada) == ErasureReceipt(NOW, later)
    assert os.environ["FIRESTORE_EMULATOR_HOST"] == world.stack.hosts["firestore"]
