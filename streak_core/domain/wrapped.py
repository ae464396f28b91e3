"""Wrapped, a user's year in review: figures from the year's days (bounded: one year of one user) and the
card drawn from them in two sizes (1200x630 and the 1080x1920 story), English and French."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum
from xml.etree import ElementTree as ET

from streak_core.domain.cards import TextMetrics, draw_text, fitted, svg_root
from streak_core.domain.config import StreakConfig
from streak_core.domain.days import qualifies
from streak_core.domain.insights import DayFocus, hour_seconds
from streak_core.domain.runs import Runs
from streak_core.domain.vocabulary import Locale

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FIRST_YEAR = 2000


class CardSize(StrEnum):
    LANDSCAPE = "landscape"  # 1200x630, link previews
    STORY = "story"  # 1080x1920, stories


SIZES = {CardSize.LANDSCAPE: (1200, 630), CardSize.STORY: (1080, 1920)}


@dataclass(frozen=True, slots=True)
class Best:
    """The month (YYYY-MM) or ISO week (YYYY-Www) with the most focus."""

    key: str
    seconds: int


@dataclass(frozen=True, slots=True)
class YearInReview:
    year: int
    days_active: int
    qualified_days: int
    focus_seconds: int
    sessions: int
    longest_streak: int  # the longest run inside the year (its qualified days that fall in the year)
    best_month: Best | None
    best_week: Best | None
    best_weekday: str | None
    best_hour: int | None  # the local hour with the most focus
    badges_earned: list[str]
    percentile: int | None = None


def longest_inside(runs: Runs, first: date, last: date) -> int:
    """The most qualified days of one run that fall between `first` and `last`."""
    lo, hi = first.toordinal(), last.toordinal()
    best = 0
    for start, end in zip(runs.starts, runs.ends, strict=True):
        if end >= lo and start <= hi:
            best = max(
                best, runs.qualified_between(date.fromordinal(max(start, lo)), date.fromordinal(min(end, hi)))
            )
    return best


def _best(totals: Mapping[str, int]) -> Best | None:
    if not totals or max(totals.values()) <= 0:
        return None
    key = min(totals, key=lambda k: (-totals[k], k))  # the earliest of equals
    return Best(key, totals[key])


def year_in_review(
    year: int,
    days: Mapping[date, DayFocus],
    sessions: int,
    runs: Runs,
    badges: Mapping[str, datetime],
    zone: tzinfo,
    config: StreakConfig,
) -> YearInReview:
    """The year's figures from its local days (focus, sessions, merged intervals), the streak's runs and
    the badges with when each was earned."""
    inside = {d: f for d, f in days.items() if d.year == year and f.seconds > 0}
    months: dict[str, int] = {}
    weeks: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for day, focus in inside.items():
        months[f"{day:%Y-%m}"] = months.get(f"{day:%Y-%m}", 0) + focus.seconds
        iso = day.isocalendar()
        week = f"{iso.year}-W{iso.week:02d}"
        weeks[week] = weeks.get(week, 0) + focus.seconds
        weekdays[WEEKDAYS[day.weekday()]] = weekdays.get(WEEKDAYS[day.weekday()], 0) + focus.seconds
    hours = hour_seconds(inside.values(), zone)
    weekday = _best(weekdays)
    return YearInReview(
        year=year,
        days_active=len(inside),
        qualified_days=sum(1 for f in inside.values() if qualifies(f.seconds, config)),
        focus_seconds=sum(f.seconds for f in inside.values()),
        sessions=sessions,
        longest_streak=longest_inside(runs, date(year, 1, 1), date(year, 12, 31)),
        best_month=_best(months),
        best_week=_best(weeks),
        best_weekday=weekday.key if weekday else None,
        best_hour=hours.index(max(hours)) if any(hours) else None,
        badges_earned=sorted(b for b, at in badges.items() if at.year == year),
    )


# --- the card -----------------------------------------------------------------------------------------
WORDS = {
    Locale.EN: {
        "title": "{year} wrapped",
        "hours": "hours of focus",
        "days": "days focused",
        "streak": "longest streak",
        "sessions": "sessions",
        "month": "best month",
        "hour": "favourite hour",
        "top": "more focus than {n}% of focusers",
    },
    Locale.FR: {
        "title": "Mon année {year}",
        "hours": "heures de concentration",
        "days": "jours de concentration",
        "streak": "plus longue série",
        "sessions": "sessions",
        "month": "meilleur mois",
        "hour": "heure favorite",
        "top": "plus concentré que {n} % des utilisateurs",
    },
}
MONTHS = {
    Locale.EN: (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    Locale.FR: (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}


def _hours(seconds: int, locale: Locale) -> str:
    value = f"{seconds / 3600:.1f}" if seconds < 36_000 else f"{round(seconds / 3600):,}"
    return value.replace(",", "\u202f").replace(".", ",") if locale is Locale.FR else value


def wrapped_svg(
    review: YearInReview, name: str | None, size: CardSize, locale: Locale, metrics: TextMetrics
) -> str:
    """The year's card: its figures in large type, the best month and hour, and the percentile."""
    width, height = SIZES[size]
    words = WORDS[locale]
    title = words["title"].format(year=review.year)
    svg = svg_root(width, height, f"{name} — {title}" if name else title)
    defs = ET.SubElement(svg, "defs")
    gradient = ET.SubElement(defs, "linearGradient", {"id": "bg", "x1": "0", "y1": "0", "x2": "1", "y2": "1"})
    ET.SubElement(gradient, "stop", {"offset": "0", "stop-color": "#111827"})
    ET.SubElement(gradient, "stop", {"offset": "1", "stop-color": "#4c1d95"})
    ET.SubElement(svg, "rect", {"width": str(width), "height": str(height), "fill": "url(#bg)"})
    margin = 72 if size is CardSize.LANDSCAPE else 96
    draw_text(svg, margin, margin + 24, "FOCUS STREAKS", 26, "#c4b5fd", bold=True, spacing="4")
    draw_text(
        svg, margin, margin + 100, fitted(title, 64, True, width - 2 * margin, metrics), 64, "#ffffff", True
    )
    if name:
        draw_text(
            svg, margin, margin + 150, fitted(name, 34, False, width - 2 * margin, metrics), 34, "#ddd6fe"
        )
    figures = [
        (_hours(review.focus_seconds, locale), words["hours"]),
        (str(review.days_active), words["days"]),
        (str(review.longest_streak), words["streak"]),
        (str(review.sessions), words["sessions"]),
    ]
    if review.best_month is not None:
        month = MONTHS[locale][int(review.best_month.key[5:]) - 1]
        figures.append((month, words["month"]))
    if review.best_hour is not None:
        figures.append((f"{review.best_hour:02d}:00", words["hour"]))
    if size is CardSize.LANDSCAPE:
        columns, top, cell_w, cell_h, big = 3, 305, (width - 2 * margin) // 3, 128, 64
    else:
        columns, top, cell_w, cell_h, big = 2, 560, (width - 2 * margin) // 2, 340, 104
    for n, (value, label) in enumerate(figures):
        x = margin + (n % columns) * cell_w
        y = top + (n // columns) * cell_h
        shown = _shrunk(value, big, cell_w - 24, metrics)  # a long month name gets smaller, not cut
        draw_text(svg, x, y, value, shown, "#fbbf24", bold=True)
        draw_text(svg, x, y + big // 2 + 14, fitted(label, 26, False, cell_w - 24, metrics), 26, "#e9d5ff")
    if review.percentile is not None:
        line = words["top"].format(n=review.percentile)
        draw_text(
            svg,
            margin,
            height - margin,
            fitted(line, 34, True, width - 2 * margin, metrics),
            34,
            "#ffffff",
            True,
        )
    return ET.tostring(svg, encoding="unicode")


def _shrunk(text: str, size: int, room: float, metrics: TextMetrics) -> int:
    """The largest font size up to `size` at which `text` fits `room` (never below half of it)."""
    while size > 24 and metrics.width(text, size, True) > room:
        size -= 4
    return size


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)
