"""The register lists Gridbook generates for each collector (forms/README.md, "Register
lists"): a form that refers to one of these file names gets it generated from the register,
never uploaded by a designer."""

from __future__ import annotations

COMMUNITIES = "communities.csv"
GRIDS = "grids.csv"
BUILDINGS = "buildings.csv"
HOUSEHOLDS = "households.csv"
NEEDS_FOLLOWUP = "needs_followup.csv"

REGISTER_LIST_NAMES: tuple[str, ...] = (COMMUNITIES, GRIDS, BUILDINGS, HOUSEHOLDS, NEEDS_FOLLOWUP)


def is_register_list(filename: str) -> bool:
    return filename in REGISTER_LIST_NAMES
