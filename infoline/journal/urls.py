from django.urls import path

from infoline.journal import views

app_name = "journal"

urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("journal/", views.journal_list, name="list"),
    path("desk/work/", views.worklist, name="worklist"),
    path("desk/team/", views.team, name="team"),
    path("desk/colleagues/", views.colleague_lookup, name="colleagues"),
    path("desk/contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("desk/contacts/<int:pk>/journal/", views.save_journal, name="save"),
    path("desk/contacts/<int:pk>/topics/", views.topic_search, name="topics"),
    path("desk/contacts/<int:pk>/act/", views.act, name="act"),
    path(
        "desk/contacts/<int:pk>/callback/",
        views.schedule_callback,
        name="callback",
    ),
    path("desk/contacts/<int:pk>/message/", views.take_message, name="message"),
    path("desk/contacts/<int:pk>/link/", views.link, name="link"),
    path(
        "desk/callbacks/<int:callback_id>/attempt/",
        views.callback_attempt,
        name="callback-attempt",
    ),
    path(
        "desk/messages/<int:message_id>/read/",
        views.message_read,
        name="message-read",
    ),
    path(
        "desk/messages/<int:message_id>/close/",
        views.message_close,
        name="message-close",
    ),
]
