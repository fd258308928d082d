from django.urls import path

from . import views

app_name = "realtime"

urlpatterns = [
    path("wallboard/", views.wallboard, name="wallboard"),
    path("phone/", views.phone, name="phone"),
    path("wallboard/agent-state/", views.agent_state, name="agent-state"),
    path("wallboard/emergency/", views.emergency, name="emergency"),
    path("wallboard/agent-skills/", views.agent_skills, name="agent-skills"),
]
