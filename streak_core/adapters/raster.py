"""SVG to PNG with resvg (a Rust renderer: no browser, no system fonts) and font-roboto's Roboto files."""

from __future__ import annotations

from functools import cache

import font_roboto
import resvg_py


@cache
def font_files() -> list[str]:
    """Every Roboto face the package ships (regular, medium, bold...), found once per instance."""
    return sorted(font_roboto.font_files.values())


class ResvgRasterizer:
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
