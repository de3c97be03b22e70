"""Django forms of the web pages: they read and check input; the services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from server.accounts.models import Role
from server.grids.choices import HouseholdStatus, ResidenceType, Source, SpecialPopulation
from server.grids.models import Area
from server.grids.selectors import HouseholdFilters

USERNAME_HELP = _(
    "Lower-case letters a-z, digits and . _ - only, 2 to 64 characters (ODK Collect sends the "
    "user name as Latin-1)."
)
LANGUAGE_CHOICES = [("zh-hans", "中文"), ("en", "English")]
PASSWORD_HELP = _(
    "Leave empty to generate a random password, shown once. A collector's password may only "
    "use ASCII letters, digits and punctuation: ODK Collect sends it as Latin-1, so Chinese "
    "characters would never match."
)


class Form(forms.Form):
    """No ":" after labels: the layout sets labels apart, in Chinese as in English."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AreaChoiceField(forms.ModelMultipleChoiceField):
    """Areas as indented checkboxes: "长源社区 · 社区"."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.name} · {obj.get_level_display()}"


def area_field(queryset: Any) -> AreaChoiceField:
    return AreaChoiceField(
        queryset=queryset,
        required=False,
        label=_("Areas"),
        help_text=_(
            "Collectors are assigned grids; managers any area (they see its whole subtree)."
        ),
    )


class PersonForm(Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)
    full_name = forms.CharField(label=_("Full name"), max_length=64)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, initial="zh-hans")


class PersonCreateForm(PersonForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=64,
        help_text=USERNAME_HELP,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        help_text=PASSWORD_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "new-password", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"] = area_field(areas)


class AreasForm(Form):
    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"] = area_field(areas)


class SetPasswordForm(Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=PASSWORD_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "new-password", "spellcheck": "false"}),
    )


PRIORITY_CHOICES = (("", _("All")), ("yes", _("Priority only")), ("no", _("Not priority")))


def _with_all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class HouseholdFilterForm(Form):
    q = forms.CharField(
        label=_("Search address or household code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    flag = forms.ChoiceField(
        label=_("Special population"),
        required=False,
        choices=_with_all(SpecialPopulation.choices),
    )
    residence = forms.ChoiceField(
        label=_("Residence type"), required=False, choices=_with_all(ResidenceType.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_with_all(HouseholdStatus.choices)
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=PRIORITY_CHOICES)
    visit = forms.ChoiceField(
        label=_("Visits"),
        required=False,
        choices=[("", _("All")), ("overdue", _("Overdue for a visit"))],
    )

    @property
    def overdue_only(self) -> bool:
        """Only households not visited in ``grid_record.NOT_VISITED_DAYS`` days."""
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("visit") == "overdue"

    def filters(self) -> HouseholdFilters:
        """The filters asked for; a value that is not valid filters nothing."""
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = getattr(self, "cleaned_data", {})
        priority = {"yes": True, "no": False}.get(data.get("priority", ""))
        return HouseholdFilters(
            flag=data.get("flag", ""),
            residence_type=data.get("residence", ""),
            status=data.get("status", ""),
            priority=priority,
            search=data.get("q", "").strip(),
        )


IMPORT_SOURCES = [
    (Source.IMPORT, Source.IMPORT.label),
    (Source.IMPORT_POLICE, Source.IMPORT_POLICE.label),
    (Source.IMPORT_FAMILY_PLANNING, Source.IMPORT_FAMILY_PLANNING.label),
    (Source.IMPORT_LABOUR, Source.IMPORT_LABOUR.label),
    (Source.IMPORT_CIVIL_AFFAIRS, Source.IMPORT_CIVIL_AFFAIRS.label),
]


class RegisterImportForm(Form):
    file = forms.FileField(
        label=_("Register file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    source = forms.ChoiceField(
        label=_("Who provided the data"),
        choices=IMPORT_SOURCES,
        initial=Source.IMPORT,
        help_text=_("Recorded with every value the file sets (provenance)."),
    )
    skip_bad = forms.BooleanField(
        label=_("Import good rows only"),
        required=False,
        help_text=_(
            "Without this, one bad row stops the whole import and nothing is changed. With it, "
            "bad rows (and rows that depend on them) are skipped and listed."
        ),
    )
