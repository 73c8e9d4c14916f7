from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from sinergi.accounts.models import ApiToken, Membership, User
from sinergi.core.admin import AuditedAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("facility", "partner", "region")
    fk_name = "user"


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "full_name", "email", "is_active", "last_login")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Sinergi", {"fields": ("full_name", "position", "phone")}),
    )
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")
    search_fields = ("name", "user__username")

    def has_add_permission(self, request):
        return False
