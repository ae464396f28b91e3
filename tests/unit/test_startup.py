"""The collector during a cold start: off while an instance the framework loads starts, back on (and the
startup's objects frozen) after its first answer, however that answer ends; untouched anywhere else."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from functions import startup

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_importing_main_outside_the_framework_leaves_the_collector_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FUNCTION_TARGET", raising=False)
    startup.begin()
    assert gc.isenabled()


def test_an_instance_collects_again_after_its_first_answer_even_a_failed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FUNCTION_TARGET", "api")
    startup.begin()
    assert not gc.isenabled()

    collecting: list[bool] = []

    @startup.settles
    def api(fail: bool) -> str:
        collecting.append(gc.isenabled())
        if fail:
            raise RuntimeError("the first request failed")
        return "answer"

    with pytest.raises(RuntimeError):
        api(fail=True)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # what the startup made is never scanned again
    assert api(fail=False) == "answer"
    assert collecting == [False, True]  # the first request ran without it, the next with it
    assert api.__name__ == "api"  # the framework registers targets by name
