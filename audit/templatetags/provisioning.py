from django import template

from audit.models import ProvisioningEvent

register = template.Library()

HISTORY_LENGTH = 20


@register.inclusion_tag("audit/person_history.html")
def provisioning_history(organization, person):
    """Render the newest SCIM requests that concerned `person`."""
    events = (
        ProvisioningEvent.objects.filter(organization=organization, person_id=person.id)
        .defer("request_body", "response_body")
        .order_by("-id")[:HISTORY_LENGTH]
    )
    return {"organization": organization, "person": person, "events": events}
