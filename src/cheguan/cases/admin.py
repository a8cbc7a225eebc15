"""Django admin: the catalogue is edited here by an office admin (every save is audited in
the same transaction as the change); cases and ratings are shown read-only — they change
only through the case services."""

from __future__ import annotations

from django.contrib import admin

from cheguan.audit.services import record
from cheguan.cases import owners
from cheguan.cases.catalogue import owner_of_code
from cheguan.cases.models import Case, DocumentRequirement, FollowUp, Rating, Service
from cheguan.core.actor import Actor


class RequirementInline(admin.TabularInline):
    model = DocumentRequirement
    extra = 0
    fields = ["position", "code", "name_zh", "name_en", "essential", "data_source"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "office",
        "owner",
        "promised_working_days",
        "immediate",
        "active",
    ]
    list_filter = ["office", "owner", "active", "immediate", "rongque_allowed"]
    search_fields = ["code", "name_zh", "name_en"]
    # Which app runs a service is the code's decision, not the office's: shown, not edited
    # (docs/adr/0013-owned-services.md). A new item takes the owner that claims its code.
    readonly_fields = ["owner"]
    inlines = [RequirementInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.owner = owners.claimant_of(obj.code) or owner_of_code(obj.code)
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cases refer to services; retire one with "active" instead

    def save_related(self, request, form, formsets, change):
        # Django's admin runs the whole change view in one transaction: the audit event is
        # written with the change or not at all.
        super().save_related(request, form, formsets, change)
        service = form.instance
        record(
            actor=Actor(user=request.user),
            action="cases.catalogue_changed" if change else "cases.catalogue_added",
            subject=service,
            office_id=service.office_id,
            data={
                "code": service.code,
                "fields": sorted(form.changed_data),
                "requirements": [r.code for r in service.requirements.all()],
            },
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "service", "status", "channel", "created_at", "closed_at"]
    list_filter = ["status", "channel", "rongque", "office"]
    search_fields = ["number"]
    exclude = ["applicant_person"]  # personal data stays masked outside the reveal
    raw_id_fields = ["vehicle", "applicant_organisation"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["case", "score", "channel", "rated_at", "excluded"]
    list_filter = ["score", "channel", "excluded"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["case", "status", "due_date", "appeal"]
    list_filter = ["status", "appeal"]
