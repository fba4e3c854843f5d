from django.shortcuts import get_object_or_404, render

from accounts.access import organization_admin_required
from audit.forms import AuditFilterForm, ProvisioningFilterForm
from audit.models import AuditEvent, ProvisioningEvent
from audit.pages import chart_bars, daily_outcomes, keyset_page


def _cursor(request):
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() else None


def _query_without_cursor(request):
    query = request.GET.copy()
    query.pop("before", None)
    return query.urlencode()


@organization_admin_required
def provisioning_activity(request, organization, person):
    form = ProvisioningFilterForm(request.GET)
    organization_events = ProvisioningEvent.objects.filter(organization=organization)
    rows, older = keyset_page(form.filter(organization_events).defer("request_body", "response_body"), _cursor(request))
    return render(
        request,
        "audit/provisioning_activity.html",
        {
            "organization": organization,
            "section": "provisioning",
            "form": form,
            "events": rows,
            "older": older,
            "query_without_cursor": _query_without_cursor(request),
            "chart": chart_bars(daily_outcomes(organization_events)),
        },
    )


@organization_admin_required
def provisioning_event(request, organization, person, event_id):
    event = get_object_or_404(ProvisioningEvent, organization=organization, id=event_id)
    return render(
        request,
        "audit/provisioning_event.html",
        {"organization": organization, "section": "provisioning", "event": event},
    )


@organization_admin_required
def audit_log(request, organization, person):
    form = AuditFilterForm(request.GET)
    events = form.filter(AuditEvent.objects.filter(organization=organization))
    rows, older = keyset_page(events, _cursor(request))
    return render(
        request,
        "audit/audit_log.html",
        {
            "organization": organization,
            "section": "audit",
            "form": form,
            "events": rows,
            "older": older,
            "query_without_cursor": _query_without_cursor(request),
        },
    )
