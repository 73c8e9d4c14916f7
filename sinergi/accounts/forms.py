from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the SDP import script."),
    )


class ProfileForm(forms.Form):
    """Presents the user's profile; :func:`sinergi.accounts.actions.update_profile` checks
    it (the NIP's 18 digits among others)."""

    full_name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    position = forms.CharField(label=_("Position"), required=False, max_length=150)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    nip = forms.CharField(
        label=_("NIP"),
        required=False,
        max_length=18,
        help_text=_("A civil servant's 18-digit staff number, printed under a signature."),
    )
