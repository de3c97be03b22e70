"""Django forms of the forms pages (questionnaires): they read and check input; the
services in ``server.xforms`` do the work and have the last word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from server.accounts.models import User
from server.grids.choices import LEVEL_ORDER
from server.grids.models import Area
from server.web.forms import Form
from server.xforms.models import FormState
from server.xforms.xlsform import FORM_FILE_TYPES

FORM_FILE_ACCEPT = ",".join(FORM_FILE_TYPES)
INDENT = "\u3000"  # an ideographic space: indents options in a <select>


class FormFileForm(Form):
    file = forms.FileField(
        label=_("Form file"),
        help_text=_(
            "An XLSForm (.xlsx, .xls or .csv in UTF-8 or GBK) or an XForm (.xml). The form_id "
            "in its settings sheet says which form it is; a raised version makes a new version."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": FORM_FILE_ACCEPT}),
    )


class MediaFileForm(Form):
    filename = forms.CharField(max_length=255, widget=forms.HiddenInput)
    file = forms.FileField(label=_("File"))


class StateForm(Form):
    state = forms.ChoiceField(choices=FormState.choices)


def collector_label(user: User) -> str:
    return f"{user.display_name} ({user.username})"


class CollectorChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: User) -> str:
        return collector_label(obj)


class TestersForm(Form):
    def __init__(self, *args: Any, collectors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["testers"] = CollectorChoiceField(
            queryset=collectors,
            required=False,
            label=_("Testers"),
            help_text=_("Collectors whose phones get the form while it is a draft."),
        )


class AreaField(forms.ModelChoiceField):
    """Areas as an indented list: "　　长源社区 · 社区"."""

    def label_from_instance(self, obj: Area) -> str:
        depth = LEVEL_ORDER.index(obj.level) if obj.level in LEVEL_ORDER else 0
        return f"{INDENT * depth}{obj.name} · {obj.get_level_display()}"


class PublicationForm(Form):
    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaField(
            queryset=areas,
            to_field_name="code",
            label=_("Area"),
            empty_label=_("Choose an area"),
            help_text=_("The collectors of every grid in this area get the form when it is open."),
        )


class CollectorPickForm(Form):
    def __init__(self, *args: Any, collectors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collector"] = CollectorField(
            queryset=collectors,
            to_field_name="username",
            label=_("Collector"),
            empty_label=_("Choose a collector"),
        )


class CollectorField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"
