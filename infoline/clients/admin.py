"""Reference data of the registry in the admin.

Persons and their phones, answers, verifications and access logs are NOT
registered: the admin would show personal data past the disclosure gate.
"""

from __future__ import annotations

from django.contrib import admin

from infoline.clients.models import AuthPolicy, AuthQuestion, Employer


@admin.register(AuthQuestion)
class AuthQuestionAdmin(admin.ModelAdmin[AuthQuestion]):
    list_display = ["text", "kind", "active"]
    list_filter = ["kind", "active"]


@admin.register(AuthPolicy)
class AuthPolicyAdmin(admin.ModelAdmin[AuthPolicy]):
    list_display = ["line", "questions"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin[Employer]):
    list_display = ["name", "code_scheme", "code", "phone"]
    search_fields = ["name", "code"]
