"""SVG to PNG with resvg (a Rust renderer: no browser, no system fonts) and font-roboto's Roboto files; text
widths from the same files (fontTools) so that images fit names before they are drawn."""

from __future__ import annotations

from functools import cache

import font_roboto
import resvg_py
from fontTools.ttLib import TTFont

from streak_core.domain.cards import TextMetrics
from streak_core.ports.shares import Rasterizer

FACES = ("Roboto", "RobotoMedium", "RobotoBold")  # what the images use: each face loaded costs time


@cache
def font_files() -> list[str]:
    """The files of the faces the images use, found once per instance."""
    return [font_roboto.font_files[face] for face in FACES]


class ResvgRasterizer(Rasterizer):
    def png(self, svg: str) -> bytes:
        return bytes(
            resvg_py.svg_to_bytes(
                svg_string=svg,
                skip_system_fonts=True,  # the same pixels on every machine
                font_files=font_files(),
                font_family="Roboto",
                sans_serif_family="Roboto",
            )
        )


class RobotoMetrics(TextMetrics):
    """Text widths from Roboto's own advance widths and character map (fontTools), for fitting text."""

    def __init__(self) -> None:
        self._faces: dict[bool, tuple[dict[int, str], dict[str, int], int]] = {}

    def _face(self, bold: bool) -> tuple[dict[int, str], dict[str, int], int]:
        if bold not in self._faces:
            font = TTFont(font_roboto.font_files["RobotoBold" if bold else "Roboto"], lazy=True)
            advances = {name: width for name, (width, _) in font["hmtx"].metrics.items()}
            self._faces[bold] = (dict(font.getBestCmap()), advances, int(font["head"].unitsPerEm))
        return self._faces[bold]

    def width(self, text: str, size: int, bold: bool) -> float:
        cmap, advances, units = self._face(bold)
        return sum(advances.get(cmap.get(ord(c), ".notdef"), units // 2) for c in text) * size / units

    def covers(self, char: str) -> bool:
        return ord(char) in self._face(False)[0] and char.isprintable()
