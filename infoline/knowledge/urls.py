from django.urls import path

from infoline.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("knowledge/", views.search, name="search"),
    path("knowledge/search/", views.search_results, name="search-results"),
    path("knowledge/scripts/", views.script_list, name="script-list"),
    path("knowledge/scripts/new/", views.script_new, name="script-new"),
    path("knowledge/scripts/<int:pk>/", views.script_detail, name="script-detail"),
    path("knowledge/scripts/<int:pk>/edit/", views.script_edit, name="script-edit"),
    path(
        "knowledge/scripts/<int:pk>/versions/<int:number>/approve/",
        views.script_approve,
        name="script-approve",
    ),
    path(
        "knowledge/scripts/<int:pk>/versions/<int:number>/return/",
        views.script_return,
        name="script-return",
    ),
    path(
        "knowledge/scripts/for-topic/<int:topic_id>/",
        views.script_panel,
        name="script-panel",
    ),
    path("knowledge/articles/", views.article_list, name="article-list"),
    path("knowledge/articles/new/", views.article_new, name="article-new"),
    path("knowledge/articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("knowledge/articles/<int:pk>/edit/", views.article_edit, name="article-edit"),
    path(
        "knowledge/articles/<int:pk>/reviewed/",
        views.article_reviewed,
        name="article-reviewed",
    ),
    path(
        "knowledge/articles/<int:pk>/attachments/",
        views.attachment_upload,
        name="attachment-upload",
    ),
    path(
        "knowledge/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("knowledge/reviews/", views.reviews_due, name="reviews-due"),
    path("knowledge/announcements/", views.announcements, name="announcements"),
    path(
        "knowledge/announcements/new/",
        views.announcement_new,
        name="announcement-new",
    ),
    path(
        "knowledge/announcements/<int:pk>/edit/",
        views.announcement_edit,
        name="announcement-edit",
    ),
    path(
        "knowledge/announcements/panel/",
        views.announcements_panel,
        name="announcements-panel",
    ),
]
