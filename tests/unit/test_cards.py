"""The share card on plain values: what is included, names fitted with an ellipsis, no missing glyphs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from xml.etree import ElementTree as ET

from streak_core.adapters.raster import RobotoMetrics
from streak_core.domain.cards import CardContent, CardField, card_svg, fitted, headline
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.sessions import SessionFields
from streak_core.models.users import UserSettings
from streak_core.services.sessions import accept_sessions
from streak_core.services.shares import card_content, create_share
from tests.unit.fakes import InMemoryShareStore, InMemoryUserStore

METRICS = RobotoMetrics()
SVG = "{http://www.w3.org/2000/svg}"


def texts(content: CardContent) -> list[str]:
    root = ET.fromstring(card_svg(content, METRICS))
    assert (root.get("width"), root.get("height")) == ("1200", "630")
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_a_long_name_is_cut_with_an_ellipsis_to_fit() -> None:
    name = "Александра Владимировна Константинопольская-Петрова"
    shown = fitted(name, 52, True, 1056, METRICS)
    assert shown.endswith("…")
    assert name.startswith(shown[:-1])
    assert METRICS.width(shown, 52, True) <= 1056
    assert fitted("Ada", 52, True, 1056, METRICS) == "Ada"


def test_characters_the_font_lacks_are_left_out_rather_than_drawn_as_boxes() -> None:
    assert METRICS.covers("é")
    assert METRICS.covers("Ж")
    assert METRICS.covers("Ω")
    assert not METRICS.covers("漢")
    assert fitted("Zoë 漢字", 52, True, 1056, METRICS) == "Zoë"
    assert fitted("漢字", 52, True, 1056, METRICS) == ""
    assert "" not in texts(CardContent(3, date(2026, 11, 21), "漢字"))  # no empty name line either


def test_only_the_included_fields_are_on_the_card() -> None:
    store = InMemoryUserStore()
    store._user("ada").settings = UserSettings(timezone="UTC", display_name="Ada")
    raw = SessionFields("s1", "2026-11-21T08:00:00Z", "2026-11-21T09:00:00Z", "UTC")
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    accept_sessions(store, "ada", [raw], now, DEFAULT_CONFIG)
    bare = card_content(store, "ada", [], now, DEFAULT_CONFIG)
    assert bare == CardContent(1, date(2026, 11, 21))
    assert headline(bare) == "A 1-day focus streak"
    assert "Ada" not in texts(bare)
    full = create_share(store, InMemoryShareStore(), "ada", None, now, DEFAULT_CONFIG)
    assert full.included == tuple(CardField)
    assert full.content.display_name == "Ada"
    assert full.content.level == 1
    assert full.content.longest_streak == 1
    assert "Ada" in texts(full.content)
    assert "LEVEL" in texts(full.content)
