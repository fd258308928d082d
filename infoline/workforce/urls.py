from django.urls import path

from infoline.workforce import views

app_name = "workforce"

urlpatterns = [
    path("planning/staffing/", views.plan, name="plan"),
    path("planning/staffing/export/", views.plan_export, name="plan-export"),
    path("planning/histories/", views.histories, name="histories"),
    path("planning/schedules/", views.schedules, name="schedules"),
    path("planning/schedules/<int:pk>/", views.schedule_detail, name="schedule"),
    path(
        "planning/schedules/<int:pk>/stop/", views.schedule_stop, name="schedule-stop"
    ),
    path(
        "planning/schedules/<int:pk>/publish/",
        views.schedule_publish,
        name="schedule-publish",
    ),
    path(
        "planning/schedules/<int:pk>/export/",
        views.schedule_export,
        name="schedule-export",
    ),
    path("planning/adherence/", views.adherence, name="adherence"),
    path("my-schedule/", views.my_schedule, name="my-schedule"),
    path("my-schedule/shifts/<int:pk>/swap/", views.swap_request, name="swap-request"),
    path("planning/swaps/", views.swaps, name="swaps"),
    path("planning/swaps/<int:pk>/decide/", views.swap_decide, name="swap-decide"),
]
