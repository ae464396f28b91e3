"""The production wiring by name: each `module:Qualname` the container is given names what it says, so a
cold start can register it without importing it (streak_core/bootstrap.py, adapters/firestore/stores.py)."""

from __future__ import annotations

import pytest

from streak_core.adapters.firestore.stores import ADAPTERS
from streak_core.container import imported, name_of
from streak_core.dependencies import AREAS, COMPOSED, DEFERRED


@pytest.mark.parametrize("port", sorted(ADAPTERS))
def test_each_store_port_is_named_as_the_container_names_it_and_served_by_an_adapter_of_it(port: str) -> None:
    kind = imported(port)
    assert name_of(kind) == port
    assert kind in imported(ADAPTERS[port]).__mro__  # the adapter declares the port it implements


@pytest.mark.parametrize("name", [*AREAS, *COMPOSED, *DEFERRED.values()])
def test_each_area_and_service_named_is_where_its_name_says(name: str) -> None:
    assert name_of(imported(name)) == name
