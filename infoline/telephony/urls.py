from django.urls import path

from infoline.telephony import flow_views

app_name = "telephony"

urlpatterns = [
    path("telephony/flows/", flow_views.flow_list, name="flows"),
    path("telephony/flows/<int:line_id>/", flow_views.flow_edit, name="flow-edit"),
]
