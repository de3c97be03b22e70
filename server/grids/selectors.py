"""Reads of the register, always inside a person's scope (``server.accounts.selectors``).

Every function takes the ``Scope`` of the person asking: nothing here decides who sees what,
it only reads what the scope lets through. Counts are computed in the database in a fixed
number of queries, whatever the size of the tree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Length

from server.accounts.audit import audit_record
from server.accounts.models import AuditAction
from server.accounts.privacy import sees_personal_data
from server.grids.models import Area, Household, HouseholdFlag

if TYPE_CHECKING:
    from server.accounts.models import User
    from server.accounts.selectors import Scope


@dataclass
class AreaFigures:
    """An area of the tree with what its subtree holds: households, priority households,
    and households per special-population flag."""

    area: Area
    households: int = 0
    priority: int = 0
    flags: Counter[str] = field(default_factory=Counter)
    children: list[AreaFigures] = field(default_factory=list)

    @property
    def special(self) -> int:
        """Households with at least one flag are not summed here (a household can carry
        several flags); this is the number of flag assertions, for charts only."""
        return sum(self.flags.values())

    def walk(self) -> list[AreaFigures]:
        """This node and every node below it, in tree order."""
        nodes = [self]
        for child in self.children:
            nodes += child.walk()
        return nodes


def area_figures(*, scope: Scope, under: Area | None = None) -> list[AreaFigures]:
    """The visible area tree (or the subtree of ``under``) with counts rolled up from the
    grids. Returns the top nodes; three queries."""
    areas = scope.areas().filter(is_active=True).order_by("path")
    households = scope.households()
    flags = scope.filter_by_grid(HouseholdFlag.objects.all(), "household__building__grid")
    if under is not None:
        areas = areas.filter(path__startswith=under.path)
        households = households.filter(building__grid__path__startswith=under.path)
        flags = flags.filter(household__building__grid__path__startswith=under.path)
    nodes = {area.path: AreaFigures(area=area) for area in areas}
    grid_paths = {node.area.pk: path for path, node in nodes.items() if node.area.is_grid}
    per_grid = households.values("building__grid_id").annotate(
        total=Count("pk"), priority=Count("pk", filter=Q(priority=True))
    )
    for row in per_grid:
        for node in _chain(nodes, grid_paths.get(row["building__grid_id"])):
            node.households += row["total"]
            node.priority += row["priority"]
    per_flag = flags.values("household__building__grid_id", "flag").annotate(total=Count("pk"))
    for flag_row in per_flag:
        for node in _chain(nodes, grid_paths.get(flag_row["household__building__grid_id"])):
            node.flags[flag_row["flag"]] += flag_row["total"]
    return _link(nodes)


def _chain(nodes: dict[str, AreaFigures], path: str | None) -> list[AreaFigures]:
    """The node of a grid's path and the visible nodes above it."""
    if path is None:
        return []
    codes = path.strip("/").split("/")
    prefixes = ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]
    return [nodes[prefix] for prefix in prefixes if prefix in nodes]


def _link(nodes: dict[str, AreaFigures]) -> list[AreaFigures]:
    by_id = {node.area.pk: node for node in nodes.values()}
    tops = []
    for node in nodes.values():  # path order: parents come before their children
        parent = by_id.get(node.area.parent_id) if node.area.parent_id else None
        if parent is None:
            tops.append(node)
        else:
            parent.children.append(node)
    return tops


def visible_area(*, scope: Scope, code: str) -> Area | None:
    """The area with this code if the person may see it, else None (answer 404)."""
    area = Area.objects.filter(code=code, is_active=True).select_related("parent").first()
    if area is None or not scope.sees_area(area):
        return None
    return area


def ancestors(area: Area) -> list[Area]:
    """The areas above ``area``, from the top of the tree down (for breadcrumbs)."""
    codes = area.path.strip("/").split("/")[:-1]
    prefixes = ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]
    return list(Area.objects.filter(path__in=prefixes).order_by("path"))


@dataclass(frozen=True)
class HouseholdFilters:
    """What the grid page's filter form asks for; empty values filter nothing."""

    flag: str = ""
    residence_type: str = ""
    status: str = ""
    priority: bool | None = None
    search: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.flag
            or self.residence_type
            or self.status
            or self.priority is not None
            or self.search
        )


HOUSEHOLD_ORDER = ("building__code", Length("unit"), "unit", "floor", Length("room"), "room")


def grid_households(
    *, scope: Scope, grid: Area, filters: HouseholdFilters | None = None
) -> QuerySet[Household]:
    """The households of one grid in door order (building, unit, floor, room), with their
    building, last visitor and flags loaded: a page of them costs two queries."""
    filters = filters or HouseholdFilters()
    households = scope.households().filter(building__grid=grid)
    if filters.flag:
        households = households.filter(flags__flag=filters.flag)
    if filters.residence_type:
        households = households.filter(residence_type=filters.residence_type)
    if filters.status:
        households = households.filter(status=filters.status)
    if filters.priority is not None:
        households = households.filter(priority=filters.priority)
    if filters.search:
        households = households.filter(
            Q(address_label__icontains=filters.search) | Q(code__icontains=filters.search)
        )
    return (
        households.select_related("building", "last_visit_by")
        .prefetch_related(Prefetch("flags", queryset=HouseholdFlag.objects.order_by("flag")))
        .order_by(*HOUSEHOLD_ORDER, "code")
    )


def household_detail(*, scope: Scope, code: str, viewer: User | None = None) -> Household | None:
    """One household with everything its page shows, or None when it is outside the
    person's scope (answer 404, so its existence does not leak). Every read of a single
    household's register data goes through here, and is AUDITED: a ``viewer`` who gets the
    household is recorded in the audit log (``household_viewed``, with whether the
    personal data was shown in full)."""
    found = (
        scope.households()
        .filter(code=code)
        .select_related("building__grid__parent", "building__compound", "last_visit_by")
        .prefetch_related(Prefetch("flags", queryset=HouseholdFlag.objects.order_by("flag")))
        .first()
    )
    if found is not None and viewer is not None:
        audit_record(
            actor=viewer,
            action=AuditAction.HOUSEHOLD_VIEWED,
            target_type="household",
            target=found.code,
            details={"personal_data": sees_personal_data(viewer)},
        )
    return found
