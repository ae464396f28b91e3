"""The production wiring by name: each `module:Qualname` the container is given names what it says, so a
cold start can register it without importing it (streak_core/bootstrap.py, adapters/firestore/stores.py)."""

from __future__ import annotations

import pytest

from streak_core.adapters.firestore.stores import ADAPTERS
from streak_core.bootstrap import production
from streak_core.container import imported, name_of
from streak_core.dependencies import AREAS, COMPOSED, DEFERRED
from streak_core.settings import Settings

# A deployment with every queue: each one's target URL set (the emulator's host: no credentials needed).
DEPLOYED = {
    "GOOGLE_CLOUD_PROJECT": "demo-wiring",
    "CLOUD_TASKS_EMULATOR_HOST": "127.0.0.1:1",
    "NOTIFICATIONS_DISPATCH_URL": "http://127.0.0.1:1/dispatch",
    "FRIEND_STREAKS_CHECK_URL": "http://127.0.0.1:1/friend-streaks",
    "SESSION_JOBS_URL": "http://127.0.0.1:1/jobs",
    "MAINTENANCE_RETRY_URL": "http://127.0.0.1:1/retry",
}


@pytest.mark.parametrize("port", sorted(ADAPTERS))
def test_each_store_port_is_named_as_the_container_names_it_and_served_by_an_adapter_of_it(port: str) -> None:
    kind = imported(port)
    assert name_of(kind) == port
    assert kind in imported(ADAPTERS[port]).__mro__  # the adapter declares the port it implements


@pytest.mark.parametrize("name", [*AREAS, *COMPOSED, *DEFERRED.values()])
def test_each_area_and_service_named_is_where_its_name_says(name: str) -> None:
    assert name_of(imported(name)) == name


def test_each_name_the_production_container_registers_is_where_it_says() -> None:
    names = production(Settings.from_environ(DEPLOYED)).names()
    assert "streak_core.ports.shares:Rasterizer" in names  # registered by name, not imported to register
    assert [n for n in names if name_of(imported(n)) != n] == []


@pytest.mark.parametrize(
    "port",
    [
        "streak_core.ports.followups:DispatchQueue",
        "streak_core.ports.followups:FriendStreakQueue",
        "streak_core.ports.jobs:JobQueue",
        "streak_core.ports.maintenance:RetryQueue",
    ],
)
def test_each_cloud_tasks_queue_registered_by_name_builds_an_adapter_of_its_port(port: str) -> None:
    built = production(Settings.from_environ(DEPLOYED)).get(port)
    assert imported(port) in type(built).__mro__
