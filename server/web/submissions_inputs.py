"""Forms of the submissions pages: the list's filters and the review form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from server.accounts.models import User
from server.grids.models import Area
from server.submissions.browse import SEARCH_MAX, SubmissionFilters
from server.submissions.models import ReviewState
from server.web.forms import Form


class SubmissionFilterForm(Form):
    """The list's filters; a value that does not validate is ignored, never an error page."""

    form = forms.ChoiceField(label=_("Form"), required=False)
    version = forms.CharField(label=_("Version"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    submitter = forms.ChoiceField(label=_("Collector"), required=False)
    state = forms.ChoiceField(
        label=_("Review state"),
        required=False,
        choices=[("", _("Any")), *ReviewState.choices],
    )
    q = forms.CharField(
        label=_("Search by instance name"),
        required=False,
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    edits = forms.BooleanField(label=_("Include earlier versions of edits"), required=False)

    def __init__(
        self,
        *args: Any,
        forms_choices: list[tuple[str, str]],
        areas: list[Area],
        submitters: list[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        any_ = ("", _("Any"))
        cast(forms.ChoiceField, self.fields["form"]).choices = [any_, *forms_choices]
        cast(forms.ChoiceField, self.fields["area"]).choices = [
            any_,
            *((a.code, a.name) for a in areas),
        ]
        cast(forms.ChoiceField, self.fields["submitter"]).choices = [
            any_,
            *((u.username, f"{u.display_name} ({u.username})") for u in submitters),
        ]
        if not areas:
            del self.fields["area"]
        if not submitters:
            del self.fields["submitter"]

    def filters(self) -> SubmissionFilters:
        """The valid filters (an invalid field counts as not given)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value}
        return SubmissionFilters(
            form=data.get("form", ""),
            version=(data.get("version") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            # An area outside the choices is kept: the list then says it is not visible.
            area=str(self.data.get("area", "")).strip()[:100],
            submitter=data.get("submitter", ""),
            state=data.get("state", ""),
            q=(data.get("q") or "").strip(),
            edits=bool(data.get("edits")),
        )


class ReviewForm(Form):
    state = forms.ChoiceField(
        label=_("Review state"), choices=ReviewState.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the collector or the next reviewer should know (optional)."),
    )
