"""The collector during a cold start: off while an instance the framework loads starts, back on (and the
startup's objects frozen) after its first answer, however that answer ends; untouched anywhere else."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from pydantic.plugin import _loader  # pydantic's own switch, read as pydantic reads it

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


def test_a_cold_start_skips_pydantics_plugin_search_unless_the_environment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def searched(**_: object) -> object:
        raise AssertionError("pydantic read the installed distributions' entry points")

    monkeypatch.setattr(_loader, "entry_points", searched)
    monkeypatch.setattr(_loader, "_plugins", None)  # as in a fresh process
    monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    startup.begin()
    assert list(_loader.get_plugins()) == []
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "some_plugin")  # an operator's own choice is kept
    startup.begin()
    assert startup.os.environ["PYDANTIC_DISABLE_PLUGINS"] == "some_plugin"
    with pytest.raises(AssertionError, match="entry points"):
        list(_loader.get_plugins())
