from django.urls import path

from infoline.clients import import_views, views

app_name = "clients"

urlpatterns = [
    path("caller/<int:pk>/", views.caller_card, name="card"),
    path(
        "caller/<int:pk>/person/<int:person_id>/",
        views.select_person,
        name="select-person",
    ),
    path("caller/<int:pk>/verify/", views.start_verification, name="verify"),
    path(
        "caller/<int:pk>/verify/<int:verification_id>/answer/",
        views.answer,
        name="answer",
    ),
    path(
        "caller/<int:pk>/verify/<int:verification_id>/extra/",
        views.extra_question,
        name="extra-question",
    ),
    path("caller/<int:pk>/override/", views.override, name="override"),
    path(
        "caller/<int:pk>/login-reminder/", views.login_reminder, name="login-reminder"
    ),
]
urlpatterns += [
    path("privacy/", views.privacy_overview, name="privacy"),
    path("privacy/persons/<int:person_id>/", views.person_access, name="person-access"),
    path("privacy/staff/<int:user_id>/", views.employee_access, name="employee-access"),
    path(
        "privacy/persons/<int:person_id>/export/",
        views.person_export,
        name="person-export",
    ),
    path(
        "privacy/persons/<int:person_id>/erase/",
        views.erasure_request,
        name="erasure-request",
    ),
    path("privacy/erasures/", views.erasures, name="erasures"),
    path(
        "privacy/erasures/<int:request_id>/",
        views.erasure_decide,
        name="erasure-decide",
    ),
]
urlpatterns += [
    path("caller/<int:pk>/new-person/", views.register_person, name="register-person"),
]
urlpatterns += [path("caller/<int:pk>/consent/", views.consent, name="consent")]
urlpatterns += [
    path("imports/", import_views.import_start, name="import"),
    path("imports/<int:job_id>/", import_views.import_job, name="import-job"),
    path(
        "imports/<int:job_id>/problems.csv",
        import_views.import_report,
        name="import-report",
    ),
]
