from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from sinergi.accounts.actions import (
    TokenError,
    create_api_token,
    revoke_api_token,
    set_email_notifications,
    update_profile,
)
from sinergi.accounts.actions import set_language as set_language_of
from sinergi.accounts.forms import ApiTokenForm, ProfileForm
from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.accounts.mfa import mfa_missing
from sinergi.accounts.models import ApiToken, User
from sinergi.core.view_helpers import show_on_form


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List, create and revoke the user's own API tokens. A new token is shown once."""
    new_token = None
    user = request.user
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, new_token = create_api_token(user=user, name=form.cleaned_data["name"], by=user)
        except TokenError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
            form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "mfa_missing": mfa_missing(user),
            "token_days": settings.API_TOKEN_DAYS,
            "tokens": ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at"),
        },
    )


@login_required
@require_POST
def revoke_token(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    token = get_object_or_404(ApiToken, pk=pk, user=user)
    revoke_api_token(token=token, by=user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications; opening the page marks them read."""
    from django.utils import timezone

    from sinergi.accounts.models import Notification
    from sinergi.core.pagination import paginate

    user = request.user
    if request.method == "POST":
        enabled = request.POST.get("email_notifications") == "on"
        set_email_notifications(user=user, enabled=enabled, by=user)
        messages.success(request, _("Saved."))
        return redirect("accounts:notifications")
    page = paginate(request, Notification.objects.filter(user=user))
    unread = [n.pk for n in page.object_list if n.read_at is None]
    response = render(request, "accounts/notifications.html", {"page": page, "unread": unread})
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return response


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's name, position, telephone and NIP (printed under their signature)."""
    from django.core.exceptions import ValidationError

    user = request.user
    initial = {f: getattr(user, f) for f in ("full_name", "position", "phone", "nip")}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_profile(user=user, by=user, data=form.cleaned_data)
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:profile")
    return render(
        request, "accounts/profile.html", {"form": form}, status=422 if form.errors else 200
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie and redirect back), which also keeps a signed-in
    user's choice: their notifications and e-mails are then written in that language."""
    response = i18n.set_language(request)
    chosen = request.POST.get("language", "")
    user = request.user
    if isinstance(user, User) and chosen in dict(settings.LANGUAGES):
        set_language_of(user=user, language=chosen, by=user)
    return response
