"""/api/v1/: the JSON API (OpenAPI schema at schema/, browsable docs at docs/)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from server.api import audit, forms, media, uploads

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
    path("register-lists/<str:filename>", media.RegisterListView.as_view(), name="register-list"),
    path("audit-events/", audit.AuditEventListView.as_view(), name="audit-events"),
]
