"""Django admin: the alerts, read-only (supervision will own the queue and the outcome)."""

from __future__ import annotations

from django.contrib import admin

from cheguan.alerts.models import Alert


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "subject_label",
        "subject",
        "severity",
        "office",
        "times",
        "raised_at",
        "last_raised_at",
        "status",
    ]
    list_filter = ["status", "kind", "severity", "office"]
    search_fields = ["kind", "subject", "subject_label"]
    date_hierarchy = "last_raised_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
