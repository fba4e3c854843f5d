import itertools

from audit.models import ProvisioningEvent

_sequence = itertools.count(1)


def make_provisioning_event(organization, **fields):
    number = next(_sequence)
    defaults = {
        "client": "bearer token AbCdEfGhIjKl",
        "method": "GET",
        "path": f"/{organization.id}/identity_/api/scim/v2/Users?startIndex={number}",
        "operation": ProvisioningEvent.Operation.IMPORT_PAGE,
        "status": 200,
        "duration_ms": 5,
    }
    return ProvisioningEvent.objects.create(organization=organization, **{**defaults, **fields})
