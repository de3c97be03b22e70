"""The shape of an area's record in the OpenAPI schema (``RecordFigures.as_json``). The
figures are computed by ``server.records``; these serializers only document them."""

from __future__ import annotations

from rest_framework import serializers


def counts_field(help_text: str) -> serializers.DictField:
    return serializers.DictField(child=serializers.IntegerField(), help_text=help_text)


def rate_field(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(
        allow_null=True, help_text=f"{help_text} (percent, one decimal; null when 0 of 0)"
    )


class PeriodOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["day", "month", "quarter", "year", "range"])
    label_ = serializers.CharField()
    from_ = serializers.DateField()
    to = serializers.DateField(help_text="last day, included")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "from" is a keyword and "label" a Field attribute: declared with a trailing _.
        fields["label"] = fields.pop("label_")
        fields["from"] = fields.pop("from_")
        return fields


class AreaRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class RegisterOut(serializers.Serializer):
    households = serializers.IntegerField(help_text="active households now")
    residents = serializers.IntegerField()
    buildings = serializers.IntegerField()
    compounds = serializers.IntegerField()
    priority_households = serializers.IntegerField()
    residence_types = counts_field("active households per residence type")
    special_populations = counts_field("active households per special-population flag")
    households_added = serializers.IntegerField(help_text="entered into the register in the period")
    households_removed = serializers.IntegerField()
    special_populations_added = counts_field(
        "flags given to households in the period, per flag (any source: visits, imports, staff)"
    )
    special_populations_removed = counts_field("flags taken from households in the period")


class VisitsOut(serializers.Serializer):
    total = serializers.IntegerField()
    by_type = counts_field("visits per visit type")
    by_result = counts_field("visits per result")
    households_visited = serializers.IntegerField()
    coverage = rate_field("households visited ÷ active households")
    priority_visited = serializers.IntegerField()
    priority_coverage = rate_field("priority households visited ÷ priority households")
    nobody_home_rate = rate_field("nobody-home visits ÷ visits")
    median_minutes = serializers.FloatField(allow_null=True)
    not_visited = serializers.IntegerField(help_text="active households not visited in N days")
    photos = serializers.IntegerField()
    services = counts_field("services delivered")
    hazards = counts_field("hazards observed (visits naming each)")
    hazards_open = counts_field(
        "households where a hazard reported in the period is named again by their latest visit "
        "with someone met, up to the end of the period"
    )
    hazards_cleared = counts_field(
        "households where a hazard reported in the period is not named by that latest visit"
    )
    by_hour = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="visits per local hour 0–23, for the area asked only (null for the areas "
        "below it, and when there was no visit)",
    )
    by_weekday = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="visits per weekday, Monday first, for the area asked only",
    )
    env_issues = counts_field("environment issues observed")


class NeedsOut(serializers.Serializer):
    raised = serializers.IntegerField()
    by_category = counts_field("needs raised in the period per category")
    by_status_at_end = counts_field("needs per status at the end of the period")
    overdue_at_end = serializers.IntegerField()
    resolved = serializers.IntegerField(help_text="resolved in the period")
    resolved_on_spot = serializers.IntegerField()
    resolved_on_spot_share = rate_field("resolved on the spot ÷ resolved")
    median_days_to_resolve = serializers.FloatField(
        allow_null=True, help_text="whole days from raised to resolved (floor), median"
    )
    escalations = counts_field("escalations in the period per level")
    reopened = serializers.IntegerField()


class FollowupOut(serializers.Serializer):
    resolved = serializers.IntegerField()
    followed_up = serializers.IntegerField()
    rate = rate_field("回访率: followed up ÷ resolved")
    responses = serializers.IntegerField()
    results = counts_field("follow-up answers: satisfied, basically, dissatisfied")
    satisfaction_rate = rate_field("回访满意率: (satisfied + basically) ÷ responses")
    strict_rate = rate_field("satisfied ÷ responses")


class DimensionOut(serializers.Serializer):
    n = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    index = serializers.FloatField(allow_null=True, help_text="(mean − 1) ÷ 4 × 100")
    satisfied_rate = rate_field("answers 4–5")
    dissatisfied_rate = rate_field("answers 1–2")
    small_n = serializers.BooleanField(help_text="fewer than 10 answers")


class SatisfactionOut(serializers.Serializer):
    responses = serializers.IntegerField()
    dimensions = serializers.DictField(child=DimensionOut())
    own_worker_responses = serializers.IntegerField()
    own_worker_dimensions = serializers.DictField(child=DimensionOut())


class RankedServiceOut(serializers.Serializer):
    service = serializers.CharField(help_text="a choice of the needs survey's svc list")
    points = serializers.IntegerField(help_text="3 per first choice, 2 per second, 1 per third")


class NeedsSurveyOut(serializers.Serializer):
    responses = serializers.IntegerField(help_text="questionnaires answered in the period")
    declined = serializers.IntegerField(help_text="residents who declined the survey")
    top_services = RankedServiceOut(many=True, help_text="highest points first")
    pay_willing = counts_field("answers per willingness to pay")
    volunteer = counts_field("answers per willingness to volunteer")
    volunteer_pool = serializers.IntegerField(help_text="willing (yes) or already volunteering")


class FiguresOut(serializers.Serializer):
    area = AreaRef()
    workers = serializers.ListField(
        child=serializers.CharField(), help_text="usernames of the grids' collectors"
    )
    building_heads = serializers.IntegerField(help_text="buildings with a building head (楼栋长)")
    register = RegisterOut()
    visits = VisitsOut()
    needs = NeedsOut()
    followup = FollowupOut()
    satisfaction = SatisfactionOut()
    needs_survey = NeedsSurveyOut()


class AreaRecordOut(FiguresOut):
    period = PeriodOut()
    not_visited_days = serializers.IntegerField()
    children = FiguresOut(many=True, help_text="the areas right below, same figures")
    previous_period = PeriodOut(allow_null=True)
    previous = FiguresOut(allow_null=True, help_text="with ?compare=previous")
