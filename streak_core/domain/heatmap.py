"""The activity heatmap as SVG: weeks by weekdays of local dates, shaded by focus, special days marked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum
from xml.etree import ElementTree as ET

from streak_core.domain.cards import svg_root
from streak_core.domain.days import DayStatus

CELL, GAP = 12, 3
LEFT, TOP, BOTTOM, RIGHT = 34, 22, 40, 12
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}


class Mark(StrEnum):
    """How a cell is drawn: focus levels, or a day the streak kept for another reason."""

    NONE = "none"
    SOME = "some"  # focus, below the threshold
    QUALIFIED = "qualified"
    STRONG = "strong"  # twice the threshold
    LONG = "long"  # four times the threshold
    FROZEN = "frozen"
    RECOVERED = "recovered"
    PAUSED = "paused"
    EXCUSED = "excused"


FILL = {
    Mark.NONE: "#ebedf0",
    Mark.SOME: "#9be9a8",
    Mark.QUALIFIED: "#40c463",
    Mark.STRONG: "#30a14e",
    Mark.LONG: "#216e39",
    Mark.FROZEN: "#79b8ff",
    Mark.RECOVERED: "#f9a825",
    Mark.PAUSED: "#b1bac4",
    Mark.EXCUSED: "#b392f0",
}
LEGEND = (
    (Mark.FROZEN, "frozen"),
    (Mark.RECOVERED, "recovered"),
    (Mark.PAUSED, "paused"),
    (Mark.EXCUSED, "excused"),
)


def mark_of(day: DayStatus, threshold_seconds: int) -> Mark:
    """Focus first (a qualified day shows how much), then why an unqualified day still kept the streak."""
    if day.qualified:
        if day.seconds >= 4 * threshold_seconds:
            return Mark.LONG
        return Mark.STRONG if day.seconds >= 2 * threshold_seconds else Mark.QUALIFIED
    for flag, mark in (
        (day.recovered, Mark.RECOVERED),
        (day.frozen, Mark.FROZEN),
        (day.paused, Mark.PAUSED),
        (day.excused, Mark.EXCUSED),
    ):
        if flag:
            return mark
    return Mark.SOME if day.seconds > 0 else Mark.NONE


def describe(day: DayStatus, mark: Mark) -> str:
    hours, minutes = divmod(day.seconds // 60, 60)
    focus = f"{hours} h {minutes} min" if hours else f"{minutes} min"
    kind = {
        Mark.NONE: "no focus",
        Mark.SOME: f"{focus} of focus",
        Mark.FROZEN: "frozen",
        Mark.RECOVERED: "recovered",
        Mark.PAUSED: "paused",
        Mark.EXCUSED: "excused (outage)",
    }.get(mark, f"{focus} of focus, qualified")
    if mark in (Mark.FROZEN, Mark.RECOVERED, Mark.PAUSED, Mark.EXCUSED) and day.seconds:
        kind += f", {focus} of focus"
    return f"{day.date:%a %d %b %Y}: {kind}"


def first_monday(today: date, weeks: int) -> date:
    """The Monday that starts the first of `weeks` columns, the last column holding `today`."""
    return today - timedelta(days=today.weekday() + 7 * (weeks - 1))


MIN_WIDTH = 480  # room for the legend under a short grid


def size(weeks: int) -> tuple[int, int]:
    grid = LEFT + weeks * (CELL + GAP) - GAP + RIGHT
    return max(grid, MIN_WIDTH), TOP + 7 * (CELL + GAP) - GAP + BOTTOM


def heatmap_svg(
    days: Sequence[DayStatus], today: date, weeks: int, threshold_seconds: int, title: str
) -> str:
    """`days` are the local dates from first_monday(today, weeks) to `today`, in order."""
    width, height = size(weeks)
    svg = svg_root(width, height, title, **{"font-size": "10"})
    ET.SubElement(svg, "rect", {"width": str(width), "height": str(height), "fill": "#ffffff"})
    start = first_monday(today, weeks)
    for row, label in WEEKDAY_LABELS.items():
        _label(svg, 0, TOP + row * (CELL + GAP) + CELL - 2, label)
    labelled = -3
    for column in range(weeks - 1):  # the last column is too narrow for a name
        week = [start + timedelta(days=7 * column + n) for n in range(7)]
        first_of_month = next((d for d in week if d.day == 1), None)
        if column == 0 or first_of_month is not None:
            # A month's name goes over its first week; a partial first month too short for it has none.
            following = next((n for n in range(1, 4) if (week[0] + timedelta(days=7 * n)).day <= 7), None)
            if column == 0 and following is not None:
                continue
            if column - labelled >= 3:
                month = MONTHS[(first_of_month or week[0]).month - 1]
                _label(svg, LEFT + column * (CELL + GAP), TOP - 8, month)
                labelled = column
    for day in days:
        offset = (day.date - start).days
        if offset < 0 or day.date > today:
            continue
        column, row = divmod(offset, 7)
        mark = mark_of(day, threshold_seconds)
        cell = _swatch(svg, LEFT + column * (CELL + GAP), TOP + row * (CELL + GAP), mark)
        cell.set("data-date", day.date.isoformat())
        cell.set("data-mark", mark.value)
        ET.SubElement(cell, "title").text = describe(day, mark)
    _legend(svg, height)
    return ET.tostring(svg, encoding="unicode")


def _legend(svg: ET.Element, height: int) -> None:
    y = height - BOTTOM + 16
    _label(svg, LEFT, y + CELL - 2, "Less")
    x = LEFT + 28
    for mark in (Mark.NONE, Mark.SOME, Mark.QUALIFIED, Mark.STRONG, Mark.LONG):
        _swatch(svg, x, y, mark)
        x += CELL + GAP
    _label(svg, x + 2, y + CELL - 2, "More")
    x += 44
    for mark, label in LEGEND:
        _swatch(svg, x, y, mark)
        _label(svg, x + CELL + 4, y + CELL - 2, label)
        x += CELL + 8 + 7 * len(label)


def _label(svg: ET.Element, x: int, y: int, text: str) -> None:
    ET.SubElement(svg, "text", {"x": str(x), "y": str(y), "fill": "#57606a"}).text = text


def _swatch(svg: ET.Element, x: int, y: int, mark: Mark) -> ET.Element:
    attributes = {"x": str(x), "y": str(y), "width": str(CELL), "height": str(CELL), "rx": "2"}
    return ET.SubElement(svg, "rect", {**attributes, "fill": FILL[mark]})
