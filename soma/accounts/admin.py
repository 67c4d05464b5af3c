"""The audit trail in the administration pages: read-only, and for superusers only (it names people)."""

from django.contrib import admin

from soma.accounts.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("sequence", "at", "event", "actor_username", "assessment_id", "ip")
    list_filter = ("event",)
    search_fields = ("actor_username", "event")
    ordering = ("-sequence",)
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
    actions = None

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
