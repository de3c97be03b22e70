"""The figures of one area's record for one period (DOMAIN §2.6), as summed parts.

A ``RecordFigures`` holds only additive parts (counts, ``{value: how many}`` for medians,
score counts per dimension); every rate, median and index is derived from them on output,
so a community's figures are exactly the sum of its grids' (pure: no queries).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from server.grids.models import Area
from server.records.record_period import ScoreSummary, median_of_counts, share

FOLLOWUP_SATISFIED = ("satisfied", "basically")
VOLUNTEERS = ("yes", "already")


@dataclass
class RecordFigures:
    area: Area
    # Identity: the usernames of the grids' workers (collectors)
    workers: set[str] = field(default_factory=set)
    # Register baseline (now: the register keeps no history of its own)
    households: int = 0
    residents: int = 0
    buildings: int = 0
    compounds: int = 0
    priority_households: int = 0
    residence_types: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    households_added: int = 0
    households_removed: int = 0
    flags_added: Counter[str] = field(default_factory=Counter)
    flags_removed: Counter[str] = field(default_factory=Counter)
    building_heads: int = 0
    # Visit coverage (in the period)
    visits: int = 0
    visits_by_type: Counter[str] = field(default_factory=Counter)
    visits_by_result: Counter[str] = field(default_factory=Counter)
    households_visited: int = 0
    priority_visited: int = 0
    visit_minutes: Counter[int] = field(default_factory=Counter)
    not_visited: int = 0
    photos: int = 0
    services: Counter[str] = field(default_factory=Counter)
    hazards: Counter[str] = field(default_factory=Counter)
    # households where a hazard reported in the period is still open / was cleared
    hazards_open: Counter[str] = field(default_factory=Counter)
    hazards_cleared: Counter[str] = field(default_factory=Counter)
    # visits by local (ISO weekday - 1) * 24 + hour; for the area asked only, not rolled up
    visit_slots: Counter[int] = field(default_factory=Counter)
    env_issues: Counter[str] = field(default_factory=Counter)
    # Needs
    needs_raised: int = 0
    needs_by_category: Counter[str] = field(default_factory=Counter)
    needs_by_status: Counter[str] = field(default_factory=Counter)
    needs_overdue: int = 0
    needs_resolved: int = 0
    resolved_on_spot: int = 0
    resolve_days: Counter[int] = field(default_factory=Counter)  # whole days, floor
    escalations: Counter[str] = field(default_factory=Counter)
    reopened: int = 0
    # Follow-up (回访)
    resolved_followed_up: int = 0
    followup_results: Counter[str] = field(default_factory=Counter)
    # Satisfaction: dimension → score → count; own-worker answers kept apart
    scores: dict[str, Counter[int]] = field(default_factory=dict)
    own_worker_scores: dict[str, Counter[int]] = field(default_factory=dict)
    satisfaction_responses: int = 0
    own_worker_responses: int = 0
    # Needs survey (需求调查) in the period
    survey_responses: int = 0
    survey_declined: int = 0
    survey_top: Counter[str] = field(default_factory=Counter)  # weighted points 3 / 2 / 1
    survey_pay: Counter[str] = field(default_factory=Counter)
    survey_volunteer: Counter[str] = field(default_factory=Counter)

    def add_score(self, dimension: str, score: int, count: int, *, own_worker: bool) -> None:
        target = self.own_worker_scores if own_worker else self.scores
        if dimension not in target:
            target[dimension] = Counter()
        target[dimension][score] += count

    def merge(self, other: RecordFigures) -> None:
        """Add another area's parts to this one's (a grid's into the areas above it)."""
        for name in ADDITIVE_FIELDS:
            value = getattr(other, name)
            if isinstance(value, set | Counter):
                getattr(self, name).update(value)
            elif isinstance(value, dict):
                mine = getattr(self, name)
                for dimension, counts in value.items():
                    mine.setdefault(dimension, Counter()).update(counts)
            else:
                setattr(self, name, getattr(self, name) + value)

    # --- derived ------------------------------------------------------------------------

    @property
    def coverage(self) -> float | None:
        return share(self.households_visited, self.households)

    @property
    def priority_coverage(self) -> float | None:
        return share(self.priority_visited, self.priority_households)

    @property
    def nobody_home_rate(self) -> float | None:
        return share(self.visits_by_result.get("nobody_home", 0), self.visits)

    @property
    def followup_rate(self) -> float | None:
        """回访率: resolved needs followed up ÷ resolved needs (resolved in the period)."""
        return share(self.resolved_followed_up, self.needs_resolved)

    @property
    def followup_responses(self) -> int:
        return sum(self.followup_results.values())

    @property
    def followup_satisfaction_rate(self) -> float | None:
        """回访满意率 = (满意 + 基本满意) ÷ responses."""
        satisfied = sum(self.followup_results.get(key, 0) for key in FOLLOWUP_SATISFIED)
        return share(satisfied, self.followup_responses)

    @property
    def followup_strict_rate(self) -> float | None:
        return share(self.followup_results.get("satisfied", 0), self.followup_responses)

    @property
    def volunteer_pool(self) -> int:
        """Respondents willing to volunteer or already volunteering (志愿者库)."""
        return sum(self.survey_volunteer.get(key, 0) for key in VOLUNTEERS)

    def visits_by_hour(self) -> list[int]:
        return [
            sum(self.visit_slots.get(day * 24 + hour, 0) for day in range(7)) for hour in range(24)
        ]

    def visits_by_weekday(self) -> list[int]:
        """Monday first."""
        return [
            sum(self.visit_slots.get(day * 24 + hour, 0) for hour in range(24)) for day in range(7)
        ]

    def satisfaction(self, *, own_worker: bool = False) -> dict[str, ScoreSummary]:
        source = self.own_worker_scores if own_worker else self.scores
        return {
            dimension: ScoreSummary.from_counts(dict(counts))
            for dimension, counts in sorted(source.items())
        }

    def as_json(self) -> dict[str, Any]:
        minutes = median_of_counts(dict(self.visit_minutes))
        return {
            "area": {"code": self.area.code, "name": self.area.name, "level": self.area.level},
            "workers": sorted(self.workers),
            "building_heads": self.building_heads,
            "register": {
                "households": self.households,
                "residents": self.residents,
                "buildings": self.buildings,
                "compounds": self.compounds,
                "priority_households": self.priority_households,
                "residence_types": _sorted(self.residence_types),
                "special_populations": _sorted(self.flags),
                "special_populations_added": _sorted(self.flags_added),
                "special_populations_removed": _sorted(self.flags_removed),
                "households_added": self.households_added,
                "households_removed": self.households_removed,
            },
            "visits": {
                "total": self.visits,
                "by_type": _sorted(self.visits_by_type),
                "by_result": _sorted(self.visits_by_result),
                "households_visited": self.households_visited,
                "coverage": self.coverage,
                "priority_visited": self.priority_visited,
                "priority_coverage": self.priority_coverage,
                "nobody_home_rate": self.nobody_home_rate,
                "median_minutes": minutes,
                "not_visited": self.not_visited,
                "photos": self.photos,
                "services": _sorted(self.services),
                "hazards": _sorted(self.hazards),
                "hazards_open": _sorted(self.hazards_open),
                "hazards_cleared": _sorted(self.hazards_cleared),
                "by_hour": self.visits_by_hour() if self.visit_slots else None,
                "by_weekday": self.visits_by_weekday() if self.visit_slots else None,
                "env_issues": _sorted(self.env_issues),
            },
            "needs": {
                "raised": self.needs_raised,
                "by_category": _sorted(self.needs_by_category),
                "by_status_at_end": _sorted(self.needs_by_status),
                "overdue_at_end": self.needs_overdue,
                "resolved": self.needs_resolved,
                "resolved_on_spot": self.resolved_on_spot,
                "resolved_on_spot_share": share(self.resolved_on_spot, self.needs_resolved),
                "median_days_to_resolve": median_of_counts(dict(self.resolve_days)),
                "escalations": _sorted(self.escalations),
                "reopened": self.reopened,
            },
            "followup": {
                "resolved": self.needs_resolved,
                "followed_up": self.resolved_followed_up,
                "rate": self.followup_rate,
                "responses": self.followup_responses,
                "results": _sorted(self.followup_results),
                "satisfaction_rate": self.followup_satisfaction_rate,
                "strict_rate": self.followup_strict_rate,
            },
            "satisfaction": {
                "responses": self.satisfaction_responses,
                "dimensions": _summaries(self.satisfaction()),
                "own_worker_responses": self.own_worker_responses,
                "own_worker_dimensions": _summaries(self.satisfaction(own_worker=True)),
            },
            "needs_survey": {
                "responses": self.survey_responses,
                "declined": self.survey_declined,
                "top_services": _ranked(self.survey_top),
                "pay_willing": _sorted(self.survey_pay),
                "volunteer": _sorted(self.survey_volunteer),
                "volunteer_pool": self.volunteer_pool,
            },
        }


ADDITIVE_FIELDS = tuple(name for name in RecordFigures.__dataclass_fields__ if name != "area")


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return {key: count for key, count in sorted(counter.items()) if count}


def _ranked(points: Counter[str]) -> list[dict[str, Any]]:
    """Highest score first, then by code (a stable order for ties)."""
    ranked = sorted(points.items(), key=lambda item: (-item[1], item[0]))
    return [{"service": service, "points": score} for service, score in ranked if score]


def _summaries(summaries: dict[str, ScoreSummary]) -> dict[str, dict[str, Any]]:
    return {
        dimension: {
            "n": summary.n,
            "mean": summary.mean,
            "index": summary.index,
            "satisfied_rate": summary.satisfied_rate,
            "dissatisfied_rate": summary.dissatisfied_rate,
            "small_n": summary.small_n,
        }
        for dimension, summary in summaries.items()
    }
