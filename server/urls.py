from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from server.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include("server.api.urls")),
    path("", include("server.web.urls")),
]
