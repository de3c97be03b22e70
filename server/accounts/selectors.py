"""Which areas, grids and households may a person see? This module is the only answer.

Every read of register, submission, record or export data goes through ``scope_for(user)``:
``scope.households()``, ``scope.grids()``, or ``scope.filter_by_grid(queryset, "grid")`` for any
model that points at a grid. A scope is computed once per request (one query).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Prefetch, Q, QuerySet

from server.accounts.models import Role, User
from server.grids.choices import AreaLevel
from server.grids.models import Area, Household

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """What one person sees. ``roots`` are area paths whose whole subtrees are visible."""

    everything: bool = False
    roots: tuple[str, ...] = ()
    sees_residents: bool = True
    sees_area_tree: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.roots

    def _path_q(self, prefix: str) -> Q:
        if self.everything:
            return Q()
        if not self.roots:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{prefix}path__startswith": root}) for root in self.roots))

    def areas(self) -> QuerySet[Area]:
        """Areas this person may see: their subtrees (plus the whole tree for designers, who
        publish forms to areas but see no resident data)."""
        if self.sees_area_tree:
            return Area.objects.all()
        return Area.objects.filter(self._path_q(""))

    def grids(self) -> QuerySet[Area]:
        return self.areas().filter(level=AreaLevel.GRID)

    def households(self) -> QuerySet[Household]:
        if not self.sees_residents:
            return Household.objects.none()
        return Household.objects.filter(self._path_q("building__grid__"))

    def filter_by_grid(self, queryset: QuerySet[M], grid_field: str = "grid") -> QuerySet[M]:
        """Restrict any queryset whose rows point at a grid (``grid_field``) to this scope."""
        if not self.sees_residents:
            return queryset.none()
        if self.everything:
            return queryset
        return queryset.filter(self._path_q(f"{grid_field}__"))

    def sees_area(self, area: Area) -> bool:
        if self.everything or self.sees_area_tree:
            return True
        return any(area.path.startswith(root) for root in self.roots)

    def sees_household(self, household: Household) -> bool:
        return self.sees_residents and self.sees_area(household.building.grid)


EMPTY_SCOPE = Scope(sees_residents=False)


def scope_for(user: User | AnonymousUser | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    if user.role == Role.ADMINISTRATOR:
        return Scope(everything=True, sees_area_tree=True)
    if user.role == Role.DESIGNER:
        return Scope(sees_residents=False, sees_area_tree=True)
    paths = Area.objects.filter(assignments__user=user, is_active=True).values_list(
        "path", flat=True
    )
    if user.role == Role.COLLECTOR:
        paths = paths.filter(level=AreaLevel.GRID)
    return Scope(roots=_outermost(paths))


def _outermost(paths: QuerySet | list[str]) -> tuple[str, ...]:
    """Drop paths already covered by another (a manager of a street and one of its
    communities sees the street)."""
    ordered = sorted(set(paths))
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(root) for root in kept):
            kept.append(path)
    return tuple(kept)


def collector_grids(user: User) -> QuerySet[Area]:
    """The grids a collector works in (what their phone is given)."""
    return Area.objects.filter(
        assignments__user=user, level=AreaLevel.GRID, is_active=True
    ).order_by("path")


def users_in_scope(scope: Scope) -> QuerySet[User]:
    """People whose assigned areas fall inside a scope (a manager's team)."""
    if scope.everything:
        return User.objects.all()
    if scope.is_empty:
        return User.objects.none()
    area_q = reduce(or_, (Q(assignments__area__path__startswith=root) for root in scope.roots))
    return User.objects.filter(area_q).distinct()


ROLE_ORDER = (Role.COLLECTOR, Role.MANAGER, Role.DESIGNER, Role.ADMINISTRATOR)


def people_by_role(*, search: str = "", include_inactive: bool = True) -> dict[str, list[User]]:
    """Everyone, grouped by role (collectors first: the longest list), each with their
    assigned areas prefetched (``user.assigned_areas``). Two queries."""
    people = User.objects.order_by("username").prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("path"), to_attr="assigned_areas")
    )
    if search:
        people = people.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(phone__icontains=search)
            | Q(areas__name__icontains=search)
            | Q(areas__code__iexact=search)
        ).distinct()
    if not include_inactive:
        people = people.filter(is_active=True)
    grouped: dict[str, list[User]] = {role: [] for role in ROLE_ORDER}
    for person in people:
        grouped.setdefault(person.role, []).append(person)
    return grouped


def assignable_areas(user: User) -> QuerySet[Area]:
    """The areas a person's role may be assigned: grids for collectors, any area for
    managers, none for the others."""
    if user.role == Role.COLLECTOR:
        return Area.objects.filter(level=AreaLevel.GRID, is_active=True).order_by("path")
    if user.role == Role.MANAGER:
        return Area.objects.filter(is_active=True).order_by("path")
    return Area.objects.none()
