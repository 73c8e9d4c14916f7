"""Forms of the letterhead page: they present and parse; the actions decide
(:mod:`sinergi.orgs.actions`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.orgs.actions import LETTERHEAD_FIELDS, SIGNATORY_FIELDS
from sinergi.orgs.models import Facility, Region, Signatory


class LetterheadForm(forms.Form):
    letterhead_ministry = forms.CharField(required=False, max_length=200)
    letterhead_lines = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    letterhead_name = forms.CharField(required=False, max_length=200)
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    phone = forms.CharField(required=False, max_length=40)
    email = forms.EmailField(required=False)
    town = forms.CharField(required=False, max_length=100)
    emblem = forms.FileField(required=False)
    remove_emblem = forms.BooleanField(required=False, label=_("Remove the emblem"))

    def __init__(self, *args: Any, org: Facility | Region, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {f: getattr(org, f) for f in LETTERHEAD_FIELDS})
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in (*LETTERHEAD_FIELDS, "emblem"):
                model_field = type(org)._meta.get_field(name)
                assert isinstance(model_field, models.Field)
                field.label = str(model_field.verbose_name).capitalize()
                field.help_text = str(model_field.help_text)
        if not org.emblem:
            del self.fields["remove_emblem"]


class SignatoryForm(forms.ModelForm[Signatory]):
    class Meta:
        model = Signatory
        fields = SIGNATORY_FIELDS
