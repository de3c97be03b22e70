"""The history of special-population flags: every flag given or taken, by any writer.

The register holds a household's current flags (``HouseholdFlag``); the per-grid record
also reports how they changed in a period (DOMAIN §2.6, "change since the previous
period"), which needs the changes themselves. Every code path that adds or deletes
``HouseholdFlag`` rows calls ``flags_changed`` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.grids.models import FlagChange, Household

Change = tuple[int, str, bool, str]
"""(household id, flag, added, source)"""


def flags_changed(changes: Iterable[Change]) -> None:
    """Record flag changes, each under its household's grid now. One query to find the
    grids, one insert."""
    changes = list(changes)
    if not changes:
        return
    grids = dict(
        Household.objects.filter(pk__in={household for household, *_ in changes}).values_list(
            "pk", "building__grid_id"
        )
    )
    FlagChange.objects.bulk_create(
        [
            FlagChange(
                household_id=household,
                grid_id=grids[household],
                flag=flag,
                added=added,
                source=source,
            )
            for household, flag, added, source in changes
        ],
        batch_size=1000,
    )
