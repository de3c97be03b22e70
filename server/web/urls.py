from django.contrib.auth import views as auth_views
from django.urls import path

from server.web.views import home, imports, misc, people, register, signin

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
    path("forms/", misc.forms, name="forms"),
    path("onboarding/", misc.onboarding, name="onboarding"),
]
