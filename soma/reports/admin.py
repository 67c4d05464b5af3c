"""Administrators set report profiles (organisation, logo, cover, boilerplate, parts) here, without code."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from soma.reports.models import PART_KEYS, REPORT_PARTS, ReportProfile


class ReportProfileForm(forms.ModelForm):
    parts = forms.MultipleChoiceField(label=_("Parts of the report"), choices=REPORT_PARTS,
                                      widget=forms.CheckboxSelectMultiple, initial=PART_KEYS)

    class Meta:
        model = ReportProfile
        fields = ["name", "organisation", "is_default", "logo", "cover_text", "boilerplate", "parts"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The logo is larger than 2 MB. Use a smaller PNG or JPEG."))
        if logo and hasattr(logo, "image") and logo.image.format not in ("PNG", "JPEG"):
            raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return logo

    def clean_parts(self):
        # Kept in the report's own order, whatever order they were ticked in.
        chosen = set(self.cleaned_data["parts"])
        return [key for key in PART_KEYS if key in chosen]

    def save(self, commit=True):
        profile = super().save(commit=False)
        if profile.is_default:
            ReportProfile.objects.exclude(pk=profile.pk).update(is_default=False)
        if commit:
            profile.save()
        return profile


@admin.register(ReportProfile)
class ReportProfileAdmin(admin.ModelAdmin):
    form = ReportProfileForm
    list_display = ["name", "organisation", "is_default"]
