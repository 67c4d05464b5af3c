from django.contrib import admin

from soma.core.models import SignInPolicy


@admin.register(SignInPolicy)
class SignInPolicyAdmin(admin.ModelAdmin):
    """One row: it can be changed, never added twice or deleted."""

    list_display = ("__str__", "require_two_factor_for_leads")

    def has_add_permission(self, request):
        return not SignInPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
