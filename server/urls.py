from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from server.core.views import healthz
from server.openrosa.urls import patterns as openrosa_patterns

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # ODK Collect: <server>/formList … and <server>/key/<token>/formList … (server/openrosa).
    path("key/<str:token>/", include((openrosa_patterns, "openrosa"), namespace="openrosa-key")),
    path("", include((openrosa_patterns, "openrosa"), namespace="openrosa")),
    path("api/v1/", include("server.api.urls")),
    path("", include("server.web.urls")),
]
