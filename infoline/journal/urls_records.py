"""Records of the journal: attachments and extracts (namespace ``records``)."""

from django.urls import path

from infoline.journal import views_records as views

app_name = "records"

urlpatterns = [
    path(
        "journal/contacts/<int:pk>/attachments/",
        views.attachments,
        name="attachments",
    ),
    path(
        "journal/contacts/<int:pk>/attachments/upload/",
        views.attachment_upload,
        name="attachment-upload",
    ),
    path(
        "journal/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path(
        "journal/contacts/<int:pk>/result-notice/",
        views.result_notice,
        name="result-notice",
    ),
    path("journal/contacts/<int:pk>/inform/", views.inform, name="inform"),
    path("journal/export/", views.export, name="export"),
]
