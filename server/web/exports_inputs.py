"""The export page's form: what to export, in which format, how it looks, which rows. It
only reshapes the request into ``export_request``'s arguments; the service checks them."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from server.accounts.models import User
from server.accounts.selectors import scope_for
from server.exports.models import ExportFormat, ExportKind
from server.exports.options import DEPARTMENTS
from server.exports.registers import DEPARTMENTS as DEPARTMENT_LAYOUTS
from server.exports.selectors import exportable_forms
from server.grids.choices import LEVEL_ORDER, SpecialPopulation
from server.submissions.models import ReviewState

INDENT = "\u3000"


class ExportForm(forms.Form):
    what = forms.ChoiceField(label=_("What to export"))
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)
    language = forms.ChoiceField(
        label=_("Column headings"),
        choices=[
            ("zh", _("Chinese labels")),
            ("en", _("English labels")),
            ("names", _("Field names")),
        ],
        initial="zh",
    )
    choice_labels = forms.ChoiceField(
        label=_("Answers to choice questions"),
        choices=[("true", _("Choice labels")), ("false", _("Choice codes"))],
        initial="true",
    )
    split_multiple = forms.BooleanField(
        label=_("Multiple-choice answers as one 0/1 column per choice"), required=False
    )
    group_paths = forms.BooleanField(label=_("Show group names in headings"), required=False)
    include_media = forms.BooleanField(label=_("Put the photos inside the CSV ZIP"), required=False)
    overdue_days = forms.IntegerField(
        label=_("Only households not visited in this many days"),
        required=False,
        min_value=1,
        max_value=3650,
    )
    departments = forms.MultipleChoiceField(
        label=_("Departments"),
        choices=[(key, DEPARTMENT_LAYOUTS[key].label) for key in DEPARTMENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=list(DEPARTMENTS),
    )
    date_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    version = forms.CharField(label=_("Form version"), required=False, max_length=64)
    review_states = forms.MultipleChoiceField(
        label=_("Review state"),
        choices=ReviewState.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    submitter = forms.CharField(label=_("Submitted by (user name)"), required=False, max_length=64)
    answer_field = forms.CharField(
        label=_("Answer filter: field name"), required=False, max_length=64
    )
    answer_value = forms.CharField(
        label=_("Answer filter: value (code)"), required=False, max_length=200
    )
    flags = forms.MultipleChoiceField(
        label=_("Special populations"),
        choices=SpecialPopulation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forms_choices = [
            (f"form:{form.form_id}", f"{form.title} ({form.form_id})")
            for form in exportable_forms(user)
        ]
        cast(forms.ChoiceField, self.fields["what"]).choices = [
            (_("Form submissions"), forms_choices),
            (
                _("Register"),
                [
                    (kind.value, kind.label)
                    for kind in (ExportKind.HOUSEHOLDS, ExportKind.SPECIAL_POPULATIONS)
                ],
            ),
            (
                _("Records"),
                [
                    (kind.value, kind.label)
                    for kind in (ExportKind.NEEDS_LEDGER, ExportKind.RECORD_REPORT)
                ],
            ),
        ]
        areas = scope_for(user).areas().filter(is_active=True).order_by("path")
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", _("All my areas"))] + [
            (area.code, INDENT * LEVEL_ORDER.index(area.level) + area.name) for area in areas
        ]

    def request_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        what = data["what"]
        kind, form_id = (
            (ExportKind.SUBMISSIONS, what[5:]) if what.startswith("form:") else (what, "")
        )
        answers = {data["answer_field"]: data["answer_value"]} if data.get("answer_field") else {}
        options: dict[str, Any] = {
            "language": data["language"],
            "choice_labels": data["choice_labels"],
            "split_multiple": data["split_multiple"],
            "group_paths": data["group_paths"],
            "include_media": data["include_media"],
            "departments": data["departments"] or list(DEPARTMENTS),
            "overdue_days": data.get("overdue_days"),
        }
        filters: dict[str, Any] = {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "area": data.get("area") or "",
            "version": data.get("version") or "",
            "review_states": data.get("review_states") or [],
            "submitter": data.get("submitter") or "",
            "answers": answers,
            "flags": data.get("flags") or [],
        }
        return {
            "kind": kind,
            "format": data["format"],
            "form_id": form_id,
            "options": options,
            "filters": filters,
        }
