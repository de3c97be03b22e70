"""The demo street: 桃源街道 of 江阳区, two communities (长源社区, 滨河社区, named after the
communities of seed [000/篇1]), three grids each, about 160 households per grid.

The mix of residence types and special-population flags follows DOMAIN §1.2 and §1.7
(困难户 ≈5%, a quarter retirees, ≈10% migrants or renters, ...). Generation is deterministic
(a fixed seed), so every machine gets the same register and the same register-list bytes.
Names and phone numbers are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from server.grids.choices import AreaLevel, Source
from server.grids.importing import AREAS, BUILDINGS, COMPOUNDS, HOUSEHOLDS, ParsedFile, Row

SEED = 20261123
DISTRICT = ("JY", "江阳区")
STREET = ("JY-TY", "桃源街道")


@dataclass(frozen=True)
class DemoCommunity:
    code: str
    name: str
    compounds: tuple[tuple[str, str, str], ...]  # code, name, property status


COMMUNITIES = (
    DemoCommunity(
        "JY-TY-CY", "长源社区", (("CY-XF", "幸福小区", "company"), ("CY-XC", "长源新村", "none"))
    ),
    DemoCommunity(
        "JY-TY-BH", "滨河社区", (("BH-HY", "滨河花园", "company"), ("BH-TY", "桃源里", "unit"))
    ),
)
GRIDS_PER_COMMUNITY = 3
MIN_HOUSEHOLDS_PER_GRID = 160
ORDINALS = "一二三四五六七八九十"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志强桂兰红梅海燕德明淑珍建华国华凤英秀珍"

RESIDENCE_MIX = (
    ("registered", 70),
    ("hukou_sep", 10),
    ("renter", 12),
    ("migrant", 6),
    ("other", 2),
)
FLAG_RATES = (
    ("dibao", 3),
    ("dibao_edge", 1.5),
    ("hardship", 2),
    ("zero_employment", 0.5),
    ("unemployed", 5),
    ("disabled", 4),
    ("serious_ill", 5),
    ("childbearing_women", 20),
    ("child_difficulty", 0.5),
    ("retiree", 25),
    ("veteran", 1),
    ("party_member", 8),
)
ELDERLY_LIVING_MIX = (("with_family", 55), ("empty_nest", 30), ("alone", 12), ("childless", 3))
PRIORITY_FLAGS = {"dibao", "hardship", "disabled", "serious_ill", "zero_employment"}


def grid_code(community: DemoCommunity, number: int) -> str:
    return f"{community.code}-G{number:02d}"


def demo_register() -> ParsedFile:
    """The demo street as parsed register rows, ready for ``register_import``."""
    rng = random.Random(SEED)
    parsed = ParsedFile()
    add = _row_adder(parsed)
    add(AREAS, code=DISTRICT[0], name=DISTRICT[1], level=AreaLevel.DISTRICT)
    add(AREAS, code=STREET[0], name=STREET[1], level=AreaLevel.STREET, parent_code=DISTRICT[0])
    for community in COMMUNITIES:
        _add_community(add, rng, community)
    return parsed


def _row_adder(parsed: ParsedFile):
    def add(layout: str, **values: object) -> None:
        rows = parsed.rows[layout]
        rows.append(Row(layout=layout, sheet="demo", number=len(rows) + 2, values=values))

    return add


def _add_community(add, rng: random.Random, community: DemoCommunity) -> None:
    add(
        AREAS,
        code=community.code,
        name=community.name,
        level=AreaLevel.COMMUNITY,
        parent_code=STREET[0],
        community_type="block",
    )
    for code, name, status in community.compounds:
        add(
            COMPOUNDS,
            compound_code=code,
            compound_name=name,
            community_code=community.code,
            property_status=status,
        )
    building_number = 0
    for number in range(1, GRIDS_PER_COMMUNITY + 1):
        grid = grid_code(community, number)
        add(
            AREAS,
            code=grid,
            name=f"{community.name}第{ORDINALS[number - 1]}网格",
            level=AreaLevel.GRID,
            parent_code=community.code,
            target_households=300,
        )
        compound_code, compound_name, _ = community.compounds[
            (number - 1) * 2 // GRIDS_PER_COMMUNITY
        ]
        households = 0
        while households < MIN_HOUSEHOLDS_PER_GRID:
            building_number += 1
            households += _add_building(
                add, rng, grid, compound_code, compound_name, building_number
            )


def _add_building(
    add,
    rng: random.Random,
    grid: str,
    compound_code: str,
    compound_name: str,
    number: int,
) -> int:
    code = f"{compound_code}-B{number:02d}"
    label = f"{compound_name}{number}栋"
    floors, units = rng.choice(((6, 2), (6, 3), (7, 2)))
    add(
        BUILDINGS,
        building_code=code,
        building_label=label,
        grid_code=grid,
        compound_code=compound_code,
        units=units,
        floors=floors,
    )
    rooms_per_floor = 3 if units == 2 else 2
    added = 0
    for unit in range(1, units + 1):
        for floor in range(1, floors + 1):
            for room in range(1, rooms_per_floor + 1):
                if rng.random() < 0.06:  # a few flats are not in the register (shops, gaps)
                    continue
                add(HOUSEHOLDS, **_household(rng, code, label, unit, floor, room))
                added += 1
    return added


def _household(
    rng: random.Random, building: str, label: str, unit: int, floor: int, room: int
) -> dict[str, object]:
    room_label = f"{floor}{room:02d}"
    members = rng.choices((1, 2, 3, 4, 5, 6), weights=(14, 30, 28, 17, 8, 3))[0]
    elderly_60 = min(members, rng.choices((0, 1, 2), weights=(55, 25, 20))[0])
    elderly_80 = min(elderly_60, 1 if rng.random() < 0.18 else 0) if elderly_60 else 0
    flags = {flag for flag, rate in FLAG_RATES if rng.random() * 100 < rate}
    if elderly_80:
        flags.add("elderly_80")
    residence = _pick(rng, RESIDENCE_MIX)
    if residence == "migrant":
        flags.add("migrant")
    living = _pick(rng, ELDERLY_LIVING_MIX) if elderly_60 else None
    priority = bool(flags & PRIORITY_FLAGS) or living in {"alone", "childless"}
    values: dict[str, object] = {
        "household_code": f"{building}-{unit}-{room_label}",
        "building_code": building,
        "address": f"{label}{unit}单元{room_label}",
        "unit": str(unit),
        "floor": floor,
        "room": room_label,
        "head_name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
        "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        "residence_type": residence,
        "members": members,
        "elderly_60": elderly_60,
        "elderly_80": elderly_80,
        "priority": priority,
        "flags": frozenset(flags),
        "source": Source.DEMO,
    }
    if living:
        values["elderly_living"] = living
    return values


def _pick(rng: random.Random, mix: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in mix], weights=[weight for _, weight in mix])[0]


DEMO_USERS = (
    # username, role, full name, assigned area codes
    ("admin", "admin", "系统管理员", ()),
    ("alice", "manager", "李爱丽", (STREET[0],)),
    ("dave", "designer", "戴维", ()),
    ("bob", "collector", "鲍明", (grid_code(COMMUNITIES[0], 1),)),
    ("carol", "collector", "蔡琳", (grid_code(COMMUNITIES[1], 1),)),
)
