"""The share card: what it shows (a frozen snapshot of the user's streak) and how it is drawn (1200x630)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol
from xml.etree import ElementTree as ET

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONT = "Roboto"  # shipped by the font-roboto package, loaded by the rasterizer
BADGES_SHOWN = 4


class CardField(StrEnum):
    """What a user may put on a card besides the current streak (always there)."""

    DISPLAY_NAME = "display_name"
    LEVEL = "level"
    BADGES = "badges"
    LONGEST_STREAK = "longest_streak"


@dataclass(frozen=True, slots=True)
class CardContent:
    current_streak: int
    as_of: date
    display_name: str | None = None
    level: int | None = None
    longest_streak: int | None = None
    badges: tuple[str, ...] | None = None  # names, most recent first


@dataclass(frozen=True, slots=True)
class Share:
    """A card frozen when it was shared, under an unguessable id; `opens` counts page views."""

    id: str
    uid: str
    content: CardContent
    included: tuple[CardField, ...]
    created_at: datetime
    opens: int = 0


class TextMetrics(Protocol):
    """How wide text is drawn in the card's font, and which characters the font has glyphs for."""

    def width(self, text: str, size: int, bold: bool) -> float: ...

    def covers(self, char: str) -> bool: ...


def fitted(text: str, size: int, bold: bool, room: float, metrics: TextMetrics) -> str:
    """`text` without the characters the font lacks (no tofu), cut with an ellipsis to fit `room`."""
    shown = "".join(c for c in text if metrics.covers(c)).strip()
    if metrics.width(shown, size, bold) <= room:
        return shown
    while shown and metrics.width(shown + "…", size, bold) > room:
        shown = shown[:-1]
    return shown.rstrip() + "…" if shown else ""


def headline(content: CardContent) -> str:
    """The card in one sentence: its SVG title and the share page's title."""
    who = f"{content.display_name}'s" if content.display_name else "A"
    return f"{who} {content.current_streak}-day focus streak"


def svg_root(width: int, height: int, title: str, **extra: str) -> ET.Element:
    """An image's root element (our font, its size) with its accessible title: every picture starts here."""
    attributes = {
        "xmlns": "http://www.w3.org/2000/svg",
        "width": str(width),
        "height": str(height),
        "viewBox": f"0 0 {width} {height}",
        "role": "img",
        "font-family": f"{FONT}, sans-serif",
        **extra,
    }
    svg = ET.Element("svg", attributes)
    ET.SubElement(svg, "title").text = title
    return svg


def card_svg(content: CardContent, metrics: TextMetrics) -> str:
    svg = svg_root(WIDTH, HEIGHT, headline(content))
    defs = ET.SubElement(svg, "defs")
    gradient = ET.SubElement(defs, "linearGradient", {"id": "bg", "x1": "0", "y1": "0", "x2": "1", "y2": "1"})
    ET.SubElement(gradient, "stop", {"offset": "0", "stop-color": "#0f172a"})
    ET.SubElement(gradient, "stop", {"offset": "1", "stop-color": "#1e3a8a"})
    ET.SubElement(svg, "rect", {"width": str(WIDTH), "height": str(HEIGHT), "fill": "url(#bg)"})
    ET.SubElement(svg, "circle", {"cx": "1080", "cy": "90", "r": "260", "fill": "#f59e0b", "opacity": "0.08"})
    draw_text(svg, MARGIN, 96, "FOCUS STREAKS", 26, "#93c5fd", bold=True, spacing="4")
    if content.display_name:
        name = fitted(content.display_name, 52, True, WIDTH - 2 * MARGIN, metrics)
        if name:
            draw_text(svg, MARGIN, 170, name, 52, "#ffffff", bold=True)
    number = str(content.current_streak)
    draw_text(svg, MARGIN - 6, 410, number, 210, "#fbbf24", bold=True)
    label_x = MARGIN + metrics.width(number, 210, True) + 24
    unit = "day" if content.current_streak == 1 else "days"
    draw_text(svg, round(label_x), 330, unit, 64, "#ffffff", bold=True)
    draw_text(svg, round(label_x), 392, "focus streak", 40, "#cbd5e1")
    stats = []
    if content.longest_streak is not None:
        stats.append(("Longest streak", f"{content.longest_streak} days"))
    if content.level is not None:
        stats.append(("Level", str(content.level)))
    for n, (label, value) in enumerate(stats):
        y = 250 + n * 120
        draw_text(svg, 860, y, label.upper(), 22, "#93c5fd", bold=True, spacing="2")
        draw_text(svg, 860, y + 52, value, 46, "#ffffff", bold=True)
    if content.badges:
        _badges(svg, content.badges, metrics)
    draw_text(svg, MARGIN, HEIGHT - 40, f"as of {content.as_of:%d %B %Y}", 22, "#94a3b8")
    return ET.tostring(svg, encoding="unicode")


def _badges(svg: ET.Element, names: Sequence[str], metrics: TextMetrics) -> None:
    x, y = MARGIN, 470
    shown = list(names[:BADGES_SHOWN])
    pills = [*shown, f"+{len(names) - len(shown)} more"] if len(names) > len(shown) else shown
    for name in pills:
        text = fitted(name, 26, True, 260, metrics)
        width = round(metrics.width(text, 26, True)) + 40
        if x + width > WIDTH - MARGIN:
            break
        ET.SubElement(
            svg,
            "rect",
            {"x": str(x), "y": str(y), "width": str(width), "height": "52", "rx": "26", "fill": "#1d4ed8"},
        )
        draw_text(svg, x + 20, y + 35, text, 26, "#ffffff", bold=True)
        x += width + 16


def draw_text(
    svg: ET.Element, x: int, y: int, text: str, size: int, fill: str, bold: bool = False, spacing: str = "0"
) -> None:
    attributes = {"x": str(x), "y": str(y), "font-size": str(size), "fill": fill, "letter-spacing": spacing}
    if bold:
        attributes["font-weight"] = "700"
    ET.SubElement(svg, "text", attributes).text = text
