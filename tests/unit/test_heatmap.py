"""The heatmap as a person and a parser see it: a cell per local date with its <title>, distinct marks for
days kept without focus, labels and legend, and a PNG of the same size."""

from __future__ import annotations

import struct
from datetime import date, timedelta
from xml.etree import ElementTree as ET

from streak_core.adapters.raster import ResvgRasterizer
from streak_core.domain.config import DEFAULT_CONFIG
from streak_core.domain.days import DayStatus
from streak_core.domain.heatmap import FILL, Mark, first_monday, heatmap_svg, size

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 11, 21)  # a Saturday
THRESHOLD = DEFAULT_CONFIG.threshold_seconds


def day(d: date, seconds: int = 0, **flags: bool) -> DayStatus:
    kept = {name: flags.get(name, False) for name in ("frozen", "recovered", "paused", "excused")}
    return DayStatus(d, seconds, seconds >= THRESHOLD, **kept)


def drawn(weeks: int, days: list[DayStatus]) -> ET.Element:
    return ET.fromstring(heatmap_svg(days, TODAY, weeks, THRESHOLD, "Focus by day"))


def cells(svg: ET.Element) -> dict[str, ET.Element]:
    return {r.get("data-date", ""): r for r in svg.iter(f"{SVG}rect") if r.get("data-date")}


def test_a_cell_per_local_date_up_to_today_each_with_a_title() -> None:
    first = first_monday(TODAY, 53)
    assert first == date(2025, 11, 17)
    dates = [first + timedelta(days=n) for n in range((TODAY - first).days + 1)]
    svg = drawn(53, [day(d) for d in dates])
    found = cells(svg)
    assert len(found) == 52 * 7 + 6  # the last column stops at Saturday
    assert all(rect.find(f"{SVG}title") is not None for rect in found.values())
    assert found["2026-11-21"].find(f"{SVG}title").text == "Sat 21 Nov 2026: no focus"  # type: ignore[union-attr]
    assert (svg.get("width"), svg.get("height")) == tuple(map(str, size(53)))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"Mon", "Wed", "Fri", "Less", "More", "frozen", "recovered", "paused", "excused"} <= set(texts)
    assert {"Jan", "Jun", "Nov"} <= set(texts)


def test_focus_is_shaded_and_days_kept_without_focus_are_marked_distinctly() -> None:
    monday = first_monday(TODAY, 1)
    days = [
        day(monday, 10 * 60),
        day(monday + timedelta(1), THRESHOLD),
        day(monday + timedelta(2), 4 * THRESHOLD),
        day(monday + timedelta(3), frozen=True),
        day(monday + timedelta(4), 20 * 60, recovered=True),
        day(monday + timedelta(5), paused=True, excused=True),
    ]
    found = cells(drawn(1, days))
    marks = [found[d.date.isoformat()].get("data-mark") for d in days]
    assert marks == ["some", "qualified", "long", "frozen", "recovered", "paused"]
    fills = [found[d.date.isoformat()].get("fill") for d in days]
    assert len(set(fills)) == len(fills)
    assert len(set(FILL.values())) == len(Mark)
    title = found[days[4].date.isoformat()].find(f"{SVG}title").text  # type: ignore[union-attr]
    assert title == "Fri 20 Nov 2026: recovered, 20 min of focus"


def test_the_png_has_the_svgs_size() -> None:
    svg = heatmap_svg([day(TODAY, THRESHOLD)], TODAY, 53, THRESHOLD, "Focus by day")
    png = ResvgRasterizer().png(svg)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == size(53)
