"""Rolling per-grid aggregates up the area tree (no queries of its own).

Every figure of a record is first computed per grid in SQL (one ``GROUP BY grid`` query per
block), then added to the grid's node and to each visible node above it, through the
materialised area path. Counts add; medians are kept as ``{value: how many}`` so they roll up
exactly; shares are derived at the end from the summed parts, never averaged.
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
    start: datetime
    end: datetime
    reference: datetime
    cutoff: datetime


def under(queryset: QuerySet[Any], grid_field: str, window: Window) -> QuerySet[Any]:
    """Rows of ``queryset`` whose grid (``grid_field``) is one of the window's grids: the
    grids of the subtree that the reader's scope lets through (a list of ids, so the
    database walks the (grid, date) indexes instead of joining the area table)."""
    return queryset.filter(**{f"{grid_field}__in": window.grid_ids})


def path_prefixes(path: str) -> list[str]:
    """``/JY/TY/CY/CY1/`` → ``['/JY/', '/JY/TY/', '/JY/TY/CY/', '/JY/TY/CY/CY1/']``."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


class Rollup(Generic[N]):
    """Nodes for a set of areas (keyed by path) and the grids that feed them.

    ``add(grid_id, update)`` applies ``update`` to the grid's node and every node above it
    that is part of the roll-up; a grid not in the roll-up (outside the scope or the subtree)
    is ignored.
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

    def chain(self, grid_id: int | None) -> list[N]:
        return self._chains.get(grid_id, []) if grid_id is not None else []

    def add(self, grid_id: int | None, update: Callable[[N], None]) -> None:
        for node in self.chain(grid_id):
            update(node)

    def add_for_area(self, area_id: int, update: Callable[[N], None]) -> None:
        """For figures kept above the grids (compounds belong to a community): the area's
        node and the nodes above it."""
        path = self._by_pk.get(area_id)
        if path is None:
            return
        for prefix in path_prefixes(path):
            if prefix in self.nodes:
                update(self.nodes[prefix])

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


def counter_add(name: str, key: str | None, amount: int) -> Callable[[Any], None]:
    """An update adding ``amount`` to ``key`` of the node's Counter ``name`` (a missing key
    — a NULL category — is skipped)."""

    def update(node: Any) -> None:
        if key is not None and key != "":
            getattr(node, name)[key] += amount

    return update
