import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import ProvisioningEvent
from tests.audit.factories import make_provisioning_event


@pytest.mark.django_db
def test_prune_deletes_only_old_rows(organization):
    now = timezone.now()
    old = [make_provisioning_event(organization, occurred_at=now - timedelta(days=31)) for _ in range(7)]
    recent = make_provisioning_event(organization, occurred_at=now - timedelta(days=29))
    output = io.StringIO()

    call_command("prune_provisioning_activity", "--batch-size=3", stdout=output)

    assert list(ProvisioningEvent.objects.values_list("id", flat=True)) == [recent.id]
    assert "Deleted 7 provisioning events" in output.getvalue()
    assert len(old) == 7


@pytest.mark.django_db
def test_prune_honours_days_option(organization):
    make_provisioning_event(organization, occurred_at=timezone.now() - timedelta(days=3))

    call_command("prune_provisioning_activity", "--days=2", stdout=io.StringIO())

    assert not ProvisioningEvent.objects.exists()


@pytest.mark.django_db
def test_prune_rejects_zero_days():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("prune_provisioning_activity", "--days=0")
