"""A map without a tile server: visit points drawn as SVG over the grid's own outline.

Grids have no drawn boundary in the register, so the outline is the bounding box of what is
known to be in the grid (the households' first good GPS fix, and the visit points), padded a
little; households are drawn as a faint base layer, visits on top. The projection is
equirectangular with the longitude scaled by cos(latitude): at a grid's size (a few hundred
metres) that is exact enough and needs no library. Pure: no queries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 400
PADDING = 24
MIN_SPAN_DEGREES = 0.0015  # about 150 m: one point alone still gets a sensible frame


@dataclass(frozen=True)
class GeoPoint:
    latitude: float
    longitude: float
    label: str = ""
    tone: str = "visit"  # visit | nobody | need | household
    url: str = ""


@dataclass(frozen=True)
class PlacedPoint:
    x: float
    y: float
    point: GeoPoint


@dataclass(frozen=True)
class MapView:
    width: int
    height: int
    base: list[PlacedPoint]
    points: list[PlacedPoint]
    outline: tuple[float, float, float, float]  # x, y, width, height of the frame
    south: float
    west: float
    north: float
    east: float
    scale_metres: int
    scale_pixels: float

    @property
    def is_empty(self) -> bool:
        return not self.points and not self.base


def draw_map(
    points: Sequence[GeoPoint], base: Sequence[GeoPoint] = (), *, width: int = WIDTH
) -> MapView:
    every = [*points, *base]
    if not every:
        return MapView(width, HEIGHT, [], [], (0, 0, 0, 0), 0, 0, 0, 0, 0, 0)
    south = min(p.latitude for p in every)
    north = max(p.latitude for p in every)
    west = min(p.longitude for p in every)
    east = max(p.longitude for p in every)
    middle = math.radians((south + north) / 2)
    stretch = max(math.cos(middle), 0.01)
    lat_span = max(north - south, MIN_SPAN_DEGREES)
    lon_span = max((east - west) * stretch, MIN_SPAN_DEGREES)
    inner_w = width - 2 * PADDING
    inner_h = HEIGHT - 2 * PADDING
    scale = min(inner_w / lon_span, inner_h / lat_span)  # pixels per (scaled) degree
    used_w = lon_span * scale
    used_h = lat_span * scale
    left = PADDING + (inner_w - used_w) / 2
    top = PADDING + (inner_h - used_h) / 2
    centre_lat = (south + north) / 2
    centre_lon = (west + east) / 2

    def place(point: GeoPoint) -> PlacedPoint:
        x = left + used_w / 2 + (point.longitude - centre_lon) * stretch * scale
        y = top + used_h / 2 - (point.latitude - centre_lat) * scale
        return PlacedPoint(round(x, 1), round(y, 1), point)

    metres_per_pixel = 111_320 / scale
    scale_metres = _round_scale(metres_per_pixel * width / 5)
    return MapView(
        width=width,
        height=HEIGHT,
        base=[place(p) for p in base],
        points=[place(p) for p in points],
        outline=(
            round(left - 8, 1),
            round(top - 8, 1),
            round(used_w + 16, 1),
            round(used_h + 16, 1),
        ),
        south=south,
        west=west,
        north=north,
        east=east,
        scale_metres=scale_metres,
        scale_pixels=round(scale_metres / metres_per_pixel, 1),
    )


def _round_scale(metres: float) -> int:
    """A round length for the scale bar: 10, 20, 50, 100, 200, 500 m …"""
    if metres <= 0:
        return 0
    power = 10 ** math.floor(math.log10(metres))
    for step in (1, 2, 5, 10):
        if metres <= step * power:
            return int(step * power)
    return int(10 * power)
