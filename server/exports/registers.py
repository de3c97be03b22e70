"""Register exports: households with their last visit (the overdue list, one printable sheet
per grid with its worker), and the special-population lists laid out per department
(DOMAIN §1.7, §4.5): the one register, each department's columns, instead of three
separate data entries.

Names and phones go through ``server.accounts.privacy``: masked for people who do not see
personal data (collectors exporting their own grids' to-do list).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from zipstream import ZIP_DEFLATED, ZipStream

from server.accounts.privacy import PersonalData, personal_data_for
from server.core.storage import exports_storage, safe_file_name
from server.exports import selectors
from server.exports.layout import Column
from server.exports.options import ExportFilters
from server.exports.producers import CHUNK_ROWS, Output, Request, stamp
from server.exports.writers import CsvTables, XlsxTables, store_file, store_stream
from server.grids.choices import ElderlyLiving, ResidenceType, SpecialPopulation
from server.grids.models import Household, HouseholdFlag

Getter = Callable[[Household, "_Context"], Any]


@dataclass(frozen=True)
class Field:
    key: str
    label: Callable[[], str]
    get: Getter
    type: str = "text"


@dataclass
class _Context:
    personal: PersonalData
    workers: dict[int, str]
    now: datetime


def _flags(household: Household, context: _Context) -> str:
    return "、".join(
        str(SpecialPopulation(flag.flag).label)
        for flag in household.flags.all()
        if flag.flag in SpecialPopulation.values
    )


def _days_since(household: Household, context: _Context) -> int | str:
    if household.last_visit_at is None:
        return ""
    return (context.now - household.last_visit_at).days


def _choice(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


FIELDS: dict[str, Field] = {
    field.key: field
    for field in (
        Field(
            "community",
            lambda: _("Community"),
            lambda h, c: h.building.grid.parent.name if h.building.grid.parent else "",
        ),
        Field("grid", lambda: _("Grid"), lambda h, c: h.building.grid.name),
        Field(
            "worker", lambda: _("Grid worker"), lambda h, c: c.workers.get(h.building.grid_id, "")
        ),
        Field("code", lambda: _("Household code"), lambda h, c: h.code),
        Field("address", lambda: _("Address"), lambda h, c: h.address_label),
        Field(
            "head_name", lambda: _("Head of household"), lambda h, c: c.personal.name(h.head_name)
        ),
        Field("phone", lambda: _("Phone"), lambda h, c: c.personal.phone(h.phone)),
        Field(
            "residence",
            lambda: _("Residence type"),
            lambda h, c: _choice(ResidenceType, h.residence_type),
        ),
        Field("members", lambda: _("Members"), lambda h, c: h.members_count, "integer"),
        Field("elderly_60", lambda: _("Aged 60+"), lambda h, c: h.elderly_60_count, "integer"),
        Field("elderly_80", lambda: _("Aged 80+"), lambda h, c: h.elderly_80_count, "integer"),
        Field(
            "elderly_living",
            lambda: _("Elderly living arrangement"),
            lambda h, c: _choice(ElderlyLiving, h.elderly_living) if h.elderly_living else "",
        ),
        Field("flags", lambda: _("Special populations"), _flags),
        Field(
            "priority", lambda: _("Priority household"), lambda h, c: _("Yes") if h.priority else ""
        ),
        Field("last_visit", lambda: _("Last visit"), lambda h, c: h.last_visit_at, "datetime"),
        Field(
            "last_visitor",
            lambda: _("Last visited by"),
            lambda h, c: h.last_visit_by.display_name if h.last_visit_by else "",
        ),
        Field("days_since", lambda: _("Days since last visit"), _days_since, "integer"),
        Field("notes", lambda: _("Notes"), lambda h, c: h.notes),
    )
}

HOUSEHOLD_COLUMNS = (
    "community",
    "grid",
    "worker",
    "code",
    "address",
    "head_name",
    "phone",
    "flags",
    "priority",
    "last_visit",
    "last_visitor",
    "days_since",
)


@dataclass(frozen=True)
class Department:
    key: str
    label: str | Promise
    flags: tuple[str, ...]
    residence_types: tuple[str, ...]
    columns: tuple[str, ...]


DEPARTMENTS: dict[str, Department] = {
    department.key: department
    for department in (
        Department(
            "police",
            pgettext_lazy("export column", "Public security"),
            (SpecialPopulation.MIGRANT,),
            (ResidenceType.RENTER, ResidenceType.MIGRANT, ResidenceType.HUKOU_SEPARATED),
            (
                "community",
                "grid",
                "address",
                "head_name",
                "phone",
                "residence",
                "members",
                "flags",
                "last_visit",
                "worker",
            ),
        ),
        Department(
            "family_planning",
            gettext_lazy("Family planning"),
            (SpecialPopulation.CHILDBEARING_WOMEN,),
            (),
            (
                "community",
                "grid",
                "address",
                "head_name",
                "phone",
                "members",
                "residence",
                "flags",
                "last_visit",
                "worker",
            ),
        ),
        Department(
            "labour",
            gettext_lazy("Labour and employment"),
            (SpecialPopulation.UNEMPLOYED, SpecialPopulation.ZERO_EMPLOYMENT),
            (),
            (
                "community",
                "grid",
                "address",
                "head_name",
                "phone",
                "members",
                "flags",
                "last_visit",
                "worker",
            ),
        ),
        Department(
            "civil_affairs",
            gettext_lazy("Civil affairs"),
            (
                SpecialPopulation.DIBAO,
                SpecialPopulation.DIBAO_EDGE,
                SpecialPopulation.HARDSHIP,
                SpecialPopulation.ELDERLY_80,
                SpecialPopulation.CHILD_DIFFICULTY,
                SpecialPopulation.SERIOUS_ILL,
                SpecialPopulation.VETERAN,
            ),
            (),
            (
                "community",
                "grid",
                "address",
                "head_name",
                "phone",
                "members",
                "elderly_60",
                "elderly_80",
                "elderly_living",
                "flags",
                "priority",
                "last_visit",
                "worker",
            ),
        ),
        Department(
            "disabled",
            gettext_lazy("Disabled Persons' Federation"),
            (SpecialPopulation.DISABLED,),
            (),
            (
                "community",
                "grid",
                "address",
                "head_name",
                "phone",
                "members",
                "flags",
                "priority",
                "last_visit",
                "worker",
            ),
        ),
    )
}


def _columns(keys: tuple[str, ...]) -> list[Column]:
    return [
        Column(FIELDS[key].label(), "system", type=FIELDS[key].type, system=key) for key in keys
    ]


def _context(request: Request) -> _Context:
    return _Context(personal_data_for(request.user), selectors.grid_workers(), timezone.now())


def _with_flags(queryset: Any) -> Any:
    return queryset.prefetch_related(
        Prefetch("flags", queryset=HouseholdFlag.objects.order_by("flag"))
    )


def _rows(
    queryset: Any, keys: tuple[str, ...], context: _Context
) -> Iterator[tuple[Household, list[Any]]]:
    getters = [FIELDS[key].get for key in keys]
    for household in _with_flags(queryset).iterator(chunk_size=CHUNK_ROWS):
        yield household, [get(household, context) for get in getters]


def households(request: Request, *, xlsx: bool) -> Output:
    """Households with their last visit; with ``overdue_days`` only those not visited in N
    days (never visited included). XLSX: one printable sheet per grid, titled with its
    worker; CSV: one file."""
    context = _context(request)
    queryset = selectors.household_rows(
        user=request.user, filters=request.filters, overdue_days=request.options.overdue_days
    )
    request.tick(0)
    columns = _columns(HOUSEHOLD_COLUMNS)
    zone = timezone.get_current_timezone()
    overdue = request.options.overdue_days
    title = (
        _("Households not visited in {days} days").format(days=overdue)
        if overdue
        else _("Households and last visits")
    )
    stem = safe_file_name(f"{title}_{stamp()}", fallback="households")
    done = 0
    if xlsx:
        path = request.workdir / "households.xlsx"
        writer: XlsxTables | CsvTables = XlsxTables(path, zone)
        current = None
        for household, values in _rows(queryset, HOUSEHOLD_COLUMNS, context):
            grid = household.building.grid
            if grid.pk != current:
                current = grid.pk
                worker = context.workers.get(grid.pk, "")
                sheet_title = f"{title} · {grid.name} · {worker} · {timezone.localdate():%Y-%m-%d}"
                writer.add_table(f"{grid.code} {grid.name}", columns, print_title=sheet_title)
            writer.write(f"{grid.code} {grid.name}", values)
            done += 1
            if done % CHUNK_ROWS == 0:
                request.tick(done)
        if current is None:
            writer.add_table(_("Households"), columns, print_title=title)
        writer.close()
        name = f"{stem}.xlsx"
        key, size = store_file(exports_storage(), f"{request.key_prefix}/{name}", path)
    else:
        writer = CsvTables(request.workdir, zone)
        writer.add_table(stem, columns)
        for _household, values in _rows(queryset, HOUSEHOLD_COLUMNS, context):
            writer.write(stem, values)
            done += 1
            if done % CHUNK_ROWS == 0:
                request.tick(done)
        writer.close()
        key, size, name = _zip(request, writer, stem)
    request.tick(done)
    return Output(key=key, name=name, size=size, rows=done)


def households_total(request: Request) -> int:
    return selectors.household_rows(
        user=request.user, filters=request.filters, overdue_days=request.options.overdue_days
    ).count()


def special_populations(request: Request, *, xlsx: bool) -> Output:
    """One list per department: the households carrying one of its flags (police also the
    renters, migrants and people living apart from their hukou), in its column layout."""
    context = _context(request)
    zone = timezone.get_current_timezone()
    stem = safe_file_name(f"{_('Special populations')}_{stamp()}", fallback="special_populations")
    path = request.workdir / "special.xlsx"
    writer: XlsxTables | CsvTables = (
        XlsxTables(path, zone) if xlsx else CsvTables(request.workdir, zone)
    )
    done = 0
    request.tick(0)
    for key in request.options.departments:
        department = DEPARTMENTS[key]
        name = str(department.label)
        columns = _columns(department.columns)
        if isinstance(writer, XlsxTables):
            writer.add_table(name, columns, print_title=f"{name} · {timezone.localdate():%Y-%m-%d}")
        else:
            writer.add_table(name, columns)
        for _household, values in _rows(
            _department_households(request, department), department.columns, context
        ):
            writer.write(name, values)
            done += 1
            if done % CHUNK_ROWS == 0:
                request.tick(done)
    writer.close()
    if isinstance(writer, XlsxTables):
        name = f"{stem}.xlsx"
        key, size = store_file(exports_storage(), f"{request.key_prefix}/{name}", path)
    else:
        key, size, name = _zip(request, writer, stem)
    request.tick(done)
    return Output(key=key, name=name, size=size, rows=done)


def _department_households(request: Request, department: Department) -> Any:
    from django.db.models import Q

    filters = ExportFilters(area=request.filters.area)
    queryset = selectors.household_rows(user=request.user, filters=filters)
    wanted = set(department.flags) | (set(request.filters.flags) & set(department.flags))
    condition = Q(flags__flag__in=wanted)
    if department.residence_types:
        condition |= Q(residence_type__in=department.residence_types)
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


def special_populations_total(request: Request) -> int:
    return sum(
        _department_households(request, DEPARTMENTS[key]).count()
        for key in request.options.departments
    )


def _zip(request: Request, writer: CsvTables, stem: str) -> tuple[str, int, str]:
    stream = ZipStream(compress_type=ZIP_DEFLATED, compress_level=6)
    for path, arcname in writer.paths:
        stream.add_path(str(path), safe_file_name(arcname))
    name = f"{stem}.zip"
    key, size = store_stream(exports_storage(), f"{request.key_prefix}/{name}", iter(stream))
    return key, size, name
