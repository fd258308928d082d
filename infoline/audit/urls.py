from django.urls import path

from infoline.audit import views

app_name = "audit"

urlpatterns = [path("audit/", views.audit_list, name="list")]
