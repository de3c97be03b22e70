"""/api/v1/: the JSON API (OpenAPI schema at schema/, browsable docs at docs/)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from server.api import (
    areas,
    audit,
    exports,
    forms,
    households,
    media,
    needs,
    records,
    submissions,
    uploads,
    visits,
)

app_name = "api"

VERSION = "forms/<str:form_id>/versions/<str:version>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("forms/", forms.FormListView.as_view(), name="form-list"),
    path("forms/<str:form_id>/", forms.FormDetailView.as_view(), name="form-detail"),
    path(
        "forms/<str:form_id>/publications/",
        forms.PublicationListView.as_view(),
        name="form-publications",
    ),
    path(
        "forms/<str:form_id>/publications/<str:area>/",
        forms.PublicationDetailView.as_view(),
        name="form-publication-detail",
    ),
    path("forms/<str:form_id>/manifest/", media.ManifestView.as_view(), name="form-manifest"),
    path("forms/<str:form_id>/versions/", forms.VersionListView.as_view(), name="form-versions"),
    path(VERSION, forms.VersionDetailView.as_view(), name="form-version-detail"),
    path(VERSION + "xform/", forms.VersionXFormView.as_view(), name="form-version-xform"),
    path(VERSION + "source/", forms.VersionSourceView.as_view(), name="form-version-source"),
    path(VERSION + "media/", media.MediaListView.as_view(), name="form-media"),
    path(
        VERSION + "media/<str:filename>", media.MediaDetailView.as_view(), name="form-media-detail"
    ),
    path(
        "form-uploads/<uuid:upload_id>/",
        uploads.FormUploadDetailView.as_view(),
        name="form-upload-detail",
    ),
    path("exports/", exports.ExportListView.as_view(), name="export-list"),
    path("exports/audit/", exports.ExportAuditView.as_view(), name="export-audit"),
    path("exports/<uuid:job_id>/", exports.ExportDetailView.as_view(), name="export-detail"),
    path("register-lists/<str:filename>", media.RegisterListView.as_view(), name="register-list"),
    path("audit-events/", audit.AuditEventListView.as_view(), name="audit-events"),
    path("areas/", areas.AreaTreeView.as_view(), name="area-list"),
    path("areas/<str:code>/record/", records.AreaRecordView.as_view(), name="area-record"),
    path("households/", households.HouseholdListView.as_view(), name="household-list"),
    path(
        "households/<str:code>/",
        households.HouseholdDetailView.as_view(),
        name="household-detail",
    ),
    path("needs/", needs.NeedListView.as_view(), name="need-list"),
    path("needs/<int:need_id>/", needs.NeedDetailView.as_view(), name="need-detail"),
    path(
        "needs/<int:need_id>/transitions/",
        needs.NeedTransitionView.as_view(),
        name="need-transitions",
    ),
    path("visits/", visits.VisitListView.as_view(), name="visit-list"),
    path("register-changes/", visits.RegisterChangeListView.as_view(), name="register-change-list"),
    path(
        "register-changes/<int:change_id>/",
        visits.RegisterChangeDetailView.as_view(),
        name="register-change-detail",
    ),
    path(
        "register-changes/<int:change_id>/approve/",
        visits.RegisterChangeDecisionView.as_view(approve=True),
        name="register-change-approve",
    ),
    path(
        "register-changes/<int:change_id>/reject/",
        visits.RegisterChangeDecisionView.as_view(approve=False),
        name="register-change-reject",
    ),
    path("areas/<str:code>/trends/", records.AreaTrendsView.as_view(), name="area-trends"),
    path("grids/<str:code>/record/", records.AreaRecordView.as_view(), name="grid-record"),
    path("submissions/", submissions.SubmissionListView.as_view(), name="submission-list"),
    path(
        "submissions/<int:pk>/",
        submissions.SubmissionDetailView.as_view(),
        name="submission-detail",
    ),
    path(
        "submissions/<int:pk>/review/",
        submissions.SubmissionReviewView.as_view(),
        name="submission-review",
    ),
    path(
        "submissions/<int:pk>/attachments/<str:name>",
        submissions.SubmissionAttachmentView.as_view(),
        name="submission-attachment",
    ),
]
