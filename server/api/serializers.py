"""What the forms API says about forms, versions, media and manifests (output), and what it
accepts (input). Serializers only shape data; the services decide."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from server.xforms.media import media_status
from server.xforms.models import Form, FormState, FormVersion
from server.xforms.problems import problems_from_records


def _absolute(context: Mapping[str, Any], name: str, **kwargs: str) -> str:
    url = reverse(name, kwargs=kwargs)
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    sheet = serializers.CharField(allow_null=True)
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField(help_text=_("In the reader's language."))
    original = serializers.CharField(help_text=_("pyxform's own sentence (English)."))


class ExpectedFileSerializer(serializers.Serializer):
    filename = serializers.CharField()
    type = serializers.CharField()
    generated = serializers.BooleanField(help_text=_("A register list generated per collector."))
    present = serializers.BooleanField()


class MediaStatusSerializer(serializers.Serializer):
    expected = ExpectedFileSerializer(many=True)
    present = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    generated = serializers.ListField(child=serializers.CharField())


class VersionSerializer(serializers.ModelSerializer):
    created_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    warnings = serializers.SerializerMethodField()
    media = serializers.SerializerMethodField()
    xform_url = serializers.SerializerMethodField()
    source_url = serializers.SerializerMethodField()

    class Meta:
        model = FormVersion
        fields = [
            "version",
            "title",
            "xml_md5",
            "validated",
            "warnings",
            "media",
            "source_name",
            "xform_url",
            "source_url",
            "created_by",
            "created_at",
        ]

    @extend_schema_field(ProblemSerializer(many=True))
    def get_warnings(self, version: FormVersion) -> list[dict[str, Any]]:
        return [
            {**problem.as_json(), "message": problem.message}
            for problem in problems_from_records(version.warnings or [])
        ]

    @extend_schema_field(MediaStatusSerializer)
    def get_media(self, version: FormVersion) -> dict[str, Any]:
        return MediaStatusSerializer(media_status(version)).data

    def _url_kwargs(self, version: FormVersion) -> dict[str, str]:
        return {"form_id": version.form.form_id, "version": version.version}

    def get_xform_url(self, version: FormVersion) -> str:
        return _absolute(self.context, "api:form-version-xform", **self._url_kwargs(version))

    def get_source_url(self, version: FormVersion) -> str | None:
        if not version.source_file:
            return None
        return _absolute(self.context, "api:form-version-source", **self._url_kwargs(version))


class VersionDetailSerializer(VersionSerializer):
    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "schema"]


class PublicationSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    level = serializers.CharField(source="area.level")


class FormListSerializer(serializers.ModelSerializer):
    current_version = serializers.CharField(
        source="current_version.version", allow_null=True, default=None
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Form
        fields = ["form_id", "title", "kind", "state", "current_version", "updated_at", "url"]

    def get_url(self, form: Form) -> str:
        return _absolute(self.context, "api:form-detail", form_id=form.form_id)


class FormDetailSerializer(FormListSerializer):
    testers: Any = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    publications = PublicationSerializer(many=True, read_only=True)
    versions = serializers.SerializerMethodField()

    class Meta(FormListSerializer.Meta):
        fields = [
            *FormListSerializer.Meta.fields,
            "created_at",
            "testers",
            "publications",
            "versions",
        ]

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, form: Form) -> Any:
        versions = form.versions.select_related("created_by").order_by("-created_at", "-pk")
        return VersionSerializer(versions, many=True, context=self.context).data


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("An XLSForm (.xlsx, .xls, .csv) or an XForm (.xml)."))


class UploadResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text=_("False: the identical form was already there."))
    form = FormDetailSerializer()
    version = VersionSerializer()


class BackgroundUploadSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    status_url = serializers.URLField()


class FormUpdateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=FormState.choices, required=False)
    testers = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Usernames of collectors.")
    )


class PublicationInputSerializer(serializers.Serializer):
    area = serializers.CharField(help_text=_("The code of an area (district to grid)."))


class MediaUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    filename = serializers.CharField(
        required=False, help_text=_("The name the form uses; defaults to the file's own name.")
    )


class ManifestEntrySerializer(serializers.Serializer):
    filename = serializers.CharField()
    md5 = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    kind = serializers.ChoiceField(choices=["media", "register_list"])
    download_url = serializers.URLField()
