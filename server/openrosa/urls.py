"""OpenRosa URLs, served twice: at the server's root (Digest or Basic sign-in) and under
``key/<token>/`` (a collector's token URL). No trailing slashes and nothing that redirects:
a POST redirected by Collect's HTTP library would arrive as a GET without its body."""

from django.urls import path

from server.openrosa import views

patterns = [
    path("formList", views.form_list, name="form-list"),
    path("forms/<str:form_id>/<str:version>/form.xml", views.form_xml, name="form-xml"),
    path("forms/<str:form_id>/<str:version>/manifest", views.manifest, name="manifest"),
    path(
        "forms/<str:form_id>/<str:version>/media/<str:filename>",
        views.form_media,
        name="form-media",
    ),
    path("lists/<str:filename>", views.register_list, name="register-list"),
    path("submission", views.submission, name="submission"),
]
