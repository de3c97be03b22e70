"""Rolling per-grid aggregates up the area tree (no queries of its own).

Every figure of a record is first computed per grid in SQL (one ``GROUP BY grid`` query per
block), then added to the grid's node; when every block is in, each node is merged once
into the nearest visible node above it (by the materialised area path). Counts add;
medians are kept as ``{value: how many}`` so they roll up exactly; shares are derived at
the end from the summed parts, never averaged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

from server.grids.models import Area

N = TypeVar("N")


@dataclass(frozen=True)
class Window:
    """What a record's queries need: the subtree's root, the period's bounds, the instant
    statuses are read at (the period's end, or now for a running period) and the
    not-visited cutoff."""

    root: Area
    grid_ids: tuple[int, ...]
    by_date: bool
    left_out: tuple[int, ...]  # every other grid (inactive, outside the root or the scope)
    start: datetime
    end: datetime
    reference: datetime
    cutoff: datetime


BY_DATE_SHARE = 0.5
"""When a window holds more than this share of all grids (a district's record, or a street
in a one-street deployment), rows are selected by date alone, from covering date indexes,
and rows of other grids are dropped by ``Rollup.add`` (it ignores grids it does not hold);
otherwise by grid id (the (grid, date) indexes). Either way a row of a grid the reader may
not see is never counted."""


def reads_by_date(window_grids: int, all_grids: int) -> bool:
    return window_grids > 0 and window_grids > BY_DATE_SHARE * all_grids


def under(queryset: QuerySet[Any], grid_field: str, window: Window) -> QuerySet[Any]:
    """Rows of ``queryset`` whose grid (``grid_field``) may be one of the window's grids: the
    grids of the subtree that the reader's scope lets through."""
    if window.by_date:
        return queryset
    return queryset.filter(**{f"{grid_field}__in": window.grid_ids})


def path_prefixes(path: str) -> list[str]:
    """``/JY/TY/CY/CY1/`` → ``['/JY/', '/JY/TY/', '/JY/TY/CY/', '/JY/TY/CY/CY1/']``."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


class Rollup(Generic[N]):
    """Nodes for a set of areas (keyed by path) and the grids that feed them.

    ``add(grid_id, update)`` applies ``update`` to the grid's node (a grid not in the
    roll-up, outside the scope or the subtree, is ignored); ``finish(merge)`` then adds each
    node to the visible node above it, from the grids up.
    """

    def __init__(self, areas: Iterable[Area], make: Callable[[Area], N]) -> None:
        self.nodes: dict[str, N] = {}
        self.areas: dict[str, Area] = {}
        self._chains: dict[int, list[N]] = {}
        grid_paths: dict[int, str] = {}
        for area in areas:
            self.nodes[area.path] = make(area)
            self.areas[area.path] = area
            if area.is_grid:
                grid_paths[area.pk] = area.path
        for grid_id, path in grid_paths.items():
            self._chains[grid_id] = [
                self.nodes[prefix] for prefix in path_prefixes(path) if prefix in self.nodes
            ]
        self._by_pk = {area.pk: path for path, area in self.areas.items()}

    @property
    def grid_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self._chains))

    def add(self, grid_id: int | None, update: Callable[[N], None]) -> None:
        """Apply ``update`` to the grid's node (ignored for a grid not in the roll-up);
        ``finish`` then adds every grid's node to the nodes above it, once."""
        chain = self._chains.get(grid_id) if grid_id is not None else None
        if chain:
            update(chain[-1])

    def finish(self, merge: Callable[[N, N], None]) -> None:
        """Add every node into the visible node right above it, deepest first (grids into
        communities, communities into streets, ...): each node is merged once. Call once,
        after every block."""
        for path in sorted(self.nodes, key=lambda path: -path.count("/")):
            # the nearest node above (an inactive area in between is skipped)
            above = [prefix for prefix in path_prefixes(path)[:-1] if prefix in self.nodes]
            if above:
                merge(self.nodes[above[-1]], self.nodes[path])

    def add_for_area(self, area_id: int, update: Callable[[N], None]) -> None:
        """For figures kept above the grids (compounds belong to a community): the area's
        own node (``finish`` carries it up)."""
        path = self._by_pk.get(area_id)
        if path is not None:
            update(self.nodes[path])

    def node(self, area: Area) -> N:
        return self.nodes[area.path]

    def children_of(self, area: Area) -> list[N]:
        """The nodes right below ``area``, in path order."""
        return [
            self.nodes[path]
            for path, child in sorted(self.areas.items())
            if child.parent_id == area.pk
        ]


def number_add(name: str, amount: int) -> Callable[[Any], None]:
    """An update adding ``amount`` to the node's attribute ``name``."""

    def update(node: Any) -> None:
        setattr(node, name, getattr(node, name) + (amount or 0))

    return update


def set_add(name: str, value: str) -> Callable[[Any], None]:
    """An update adding ``value`` to the node's set ``name``."""

    def update(node: Any) -> None:
        getattr(node, name).add(value)

    return update


def counter_add(name: str, key: str | None, amount: int) -> Callable[[Any], None]:
    """An update adding ``amount`` to ``key`` of the node's Counter ``name`` (a missing key
    — a NULL category — is skipped)."""

    def update(node: Any) -> None:
        if key is not None and key != "":
            getattr(node, name)[key] += amount

    return update
