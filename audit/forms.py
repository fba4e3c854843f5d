import uuid

from django import forms
from django.db.models import Q

from audit.models import AuditEvent, ProvisioningEvent


class ProvisioningFilterForm(forms.Form):
    OUTCOME_CHOICES = [("", "Any outcome"), ("success", "Succeeded"), ("failure", "Failed")]

    since = forms.DateTimeField(required=False, label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    until = forms.DateTimeField(required=False, label="To", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    outcome = forms.ChoiceField(required=False, choices=OUTCOME_CHOICES)
    operation = forms.ChoiceField(required=False, choices=[("", "Any operation"), *ProvisioningEvent.Operation.choices])
    person = forms.CharField(
        required=False, max_length=255, label="Person or group", help_text="User name, group name or id"
    )
    client = forms.CharField(required=False, max_length=200)

    def filter(self, events):
        """Return `events` narrowed by the valid filters; an invalid form filters nothing."""
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["since"]:
            events = events.filter(occurred_at__gte=data["since"])
        if data["until"]:
            events = events.filter(occurred_at__lte=data["until"])
        if data["outcome"] == "success":
            events = events.filter(status__lt=400)
        elif data["outcome"] == "failure":
            events = events.filter(status__gte=400)
        if data["operation"]:
            events = events.filter(operation=data["operation"])
        if data["person"]:
            subject = data["person"].strip()
            try:
                subject_id = uuid.UUID(subject)
            except ValueError:
                events = events.filter(Q(person_user_name__iexact=subject) | Q(group_display_name__iexact=subject))
            else:
                events = events.filter(Q(person_id=subject_id) | Q(group_id=subject_id))
        if data["client"]:
            events = events.filter(client__icontains=data["client"].strip())
        return events


class AuditFilterForm(forms.Form):
    since = forms.DateTimeField(required=False, label="From", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    until = forms.DateTimeField(required=False, label="To", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditEvent.Action.choices])
    actor = forms.CharField(required=False, max_length=255, label="Who")

    def filter(self, events):
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["since"]:
            events = events.filter(occurred_at__gte=data["since"])
        if data["until"]:
            events = events.filter(occurred_at__lte=data["until"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"].strip())
        return events
