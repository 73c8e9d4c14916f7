from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse

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
        ("Sinergi", {"fields": ("full_name", "position", "nip", "phone")}),
    )
    inlines = [MembershipInline]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Setting someone's password here revokes their API tokens, as a change or reset
        by the user does (audited, with the administrator as the actor)."""
        from django.contrib.admin.utils import unquote

        from sinergi.accounts.actions import revoke_all_api_tokens
        from sinergi.accounts.signals import tell_tokens_revoked

        target = self.get_object(request, unquote(id))
        before = target.password if target is not None else None
        response = super().user_change_password(request, id, form_url)
        user = User.objects.filter(pk=target.pk).first() if target is not None else None
        by = request.user  # the admin site lets only a signed-in staff user this far
        if (
            request.method == "POST"
            and isinstance(by, User)
            and user is not None
            and user.password != before
        ):
            count = revoke_all_api_tokens(user=user, by=by, reason="password_set_by_admin")
            tell_tokens_revoked(request, count)
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at")
    search_fields = ("name", "user__username")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
