from django.contrib.auth import views as auth_views
from django.urls import path

from infoline.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/login/", views.LoginView.as_view(), name="login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/language/", views.set_language, name="set-language"),
    path("account/tokens/", views.token_create, name="token-create"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path(
        "account/sign-out-everywhere/",
        views.sign_out_everywhere,
        name="sign-out-everywhere",
    ),
    path("account/2fa/setup/", views.two_factor_setup, name="2fa-setup"),
    path("account/2fa/verify/", views.two_factor_verify, name="2fa-verify"),
    path("directory/", views.directory, name="directory"),
    path("directory/search/", views.directory_search, name="directory-search"),
    path(
        "directory/employees/<int:pk>/", views.employee_detail, name="employee-detail"
    ),
    path(
        "directory/departments/<int:pk>/",
        views.department_detail,
        name="department-detail",
    ),
    path("directory/institutions/", views.institutions, name="institutions"),
    path("directory/absences/", views.absences, name="absences"),
    path("hours/", views.hours, name="hours"),
    path("hours/<int:pk>/", views.calendar_detail, name="calendar-detail"),
]
