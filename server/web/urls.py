from django.contrib.auth import views as auth_views
from django.urls import path

from server.web.views import (
    audit,
    forms_checks,
    forms_detail,
    forms_list,
    home,
    imports,
    misc,
    people,
    register,
    signin,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", register.register, name="register"),
    path("areas/<str:code>/", register.area, name="area"),
    path("households/<str:code>/", register.household, name="household"),
    path("import/register/", imports.register_import_page, name="register_import"),
    path("import/templates/<str:name>", imports.register_template, name="register_template"),
    path("people/", people.people, name="people"),
    path("people/new/", people.person_create, name="person_create"),
    path("person/<str:username>/", people.person, name="person"),
    path("person/<str:username>/details/", people.person_details, name="person_details"),
    path("person/<str:username>/areas/", people.person_areas, name="person_areas"),
    path("person/<str:username>/password/", people.person_password, name="person_password"),
    path("person/<str:username>/active/", people.person_active, name="person_active"),
    path("forms/", forms_list.forms, name="forms"),
    path(
        "form-uploads/<uuid:upload_id>/", forms_list.form_upload_status, name="form_upload_status"
    ),
    path("forms/<str:form_id>/", forms_detail.form_detail, name="form"),
    path("forms/<str:form_id>/upload/", forms_list.form_version_upload, name="form_upload"),
    path("forms/<str:form_id>/state/", forms_detail.form_state, name="form_state"),
    path("forms/<str:form_id>/testers/", forms_detail.form_testers, name="form_testers"),
    path(
        "forms/<str:form_id>/publications/",
        forms_detail.form_publication_add,
        name="form_publication_add",
    ),
    path(
        "forms/<str:form_id>/publications/remove/",
        forms_detail.form_publication_remove,
        name="form_publication_remove",
    ),
    path("forms/<str:form_id>/media/", forms_detail.form_media, name="form_media"),
    path(
        "forms/<str:form_id>/media/remove/",
        forms_detail.form_media_remove,
        name="form_media_remove",
    ),
    path("forms/<str:form_id>/lists/", forms_checks.form_register_lists, name="form_lists"),
    path("forms/<str:form_id>/preview/", forms_checks.form_preview_page, name="form_preview"),
    path("onboarding/", misc.onboarding, name="onboarding"),
    path("audit/", audit.audit_log, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
]
