from django.urls import path

from . import views

app_name = "realtime"

urlpatterns = [
    path("wallboard/", views.wallboard, name="wallboard"),
    path("phone/", views.phone, name="phone"),
]
