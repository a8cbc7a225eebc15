"""The audit trail's filter form: checks the filters and says the expected format."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cheguan.audit.queries import TrailFilters

DATE_HELP = _("Enter a date as YYYY-MM-DD, for example 2026-03-01.")


class TrailFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From (date)"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_HELP},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To (date)"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_HELP},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    action = forms.CharField(
        label=_("Action starts with"),
        required=False,
        max_length=80,
        help_text=_("For example registry. or accounts.assisted_session_opened"),
    )
    actor = forms.CharField(label=_("Done by (user name)"), required=False, max_length=150)
    subject_type = forms.CharField(
        label=_("Subject type"),
        required=False,
        max_length=60,
        help_text=_("For example registry.vehicle"),
    )
    subject_id = forms.CharField(label=_("Subject id"), required=False, max_length=64)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [("", _("Any organisation"))] + [
                (o.pk, o.name) for o in organisations
            ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("The end date must be on or after the start date (YYYY-MM-DD).")
            )
        return data

    def filters(self) -> TrailFilters:
        d = self.cleaned_data
        return TrailFilters(
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            action=d.get("action") or "",
            actor=d.get("actor") or "",
            subject_type=d.get("subject_type") or "",
            subject_id=d.get("subject_id") or "",
            organisation_id=d.get("organisation"),
        )
