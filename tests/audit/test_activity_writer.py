"""Provisioning activity rows written in batches by a background thread (audit.activity_writer).

These tests commit for real, because the writer's thread has its own database
connection and cannot see a test's open transaction.
"""

import logging
import time
import uuid
from functools import partial

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from audit import activity_writer as writer_module
from audit.activity_writer import BatchedActivityWriter, activity_writer
from audit.models import ProvisioningEvent
from tests.factories import make_organization

pytestmark = [pytest.mark.urls("tests.audit.scim_stub_urls"), pytest.mark.django_db(transaction=True)]
# Long enough that no batch is written before the test calls stop().
NEVER_MS = 600_000


def scim_url(organization, rest="/Users"):
    return f"/{organization.id}/identity_/api/scim/v2{rest}"


def event(organization_id, status=200):
    return ProvisioningEvent(
        organization_id=organization_id, client="bearer token abc", method="GET", path="/Users",
        operation=ProvisioningEvent.Operation.LOOKUP, status=status, duration_ms=1,
    )


@pytest.fixture
def batch_sizes(monkeypatch):
    """Record the size of each batch that the writer thread writes."""
    sizes = []
    real_write_rows = writer_module.write_rows

    def write_rows(events):
        sizes.append(len(events))
        real_write_rows(events)

    monkeypatch.setattr(writer_module, "write_rows", write_rows)
    return sizes


@override_settings(PROVISIONING_ACTIVITY_BATCH_MS=NEVER_MS)
def test_requests_recorded_in_one_batch(batch_sizes):
    organization = make_organization()
    client = Client()
    rests = ["/Users", "/Users/6f1c4b9e-1f37-4c4e-9a57-0d9f2f3c1a10", "/Users/other"]
    for rest in rests:
        client.get(scim_url(organization, rest), HTTP_AUTHORIZATION="Bearer good")
    writer = activity_writer()

    waiting_before_stop = ProvisioningEvent.objects.count()
    writer.stop()

    assert waiting_before_stop == 0
    assert batch_sizes == [3]
    paths = list(ProvisioningEvent.objects.order_by("id").values_list("path", flat=True))
    assert paths == [scim_url(organization, rest) for rest in rests]


@override_settings(PROVISIONING_ACTIVITY_BATCH_MS=NEVER_MS)
def test_batched_row_keeps_response_time():
    organization = make_organization()
    before_request = timezone.now()
    Client().get(scim_url(organization), HTTP_AUTHORIZATION="Bearer good")
    after_request = timezone.now()
    time.sleep(0.2)

    activity_writer().stop()

    occurred_at = ProvisioningEvent.objects.get().occurred_at
    assert before_request <= occurred_at <= after_request


@override_settings(PROVISIONING_ACTIVITY_BATCH_MS=20)
def test_batch_written_without_stop(batch_sizes):
    organization = make_organization()
    Client().get(scim_url(organization), HTTP_AUTHORIZATION="Bearer good")
    writer = activity_writer()

    deadline = time.monotonic() + 10
    while not ProvisioningEvent.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    recorded = ProvisioningEvent.objects.count()
    writer.stop()

    assert recorded == 1
    assert batch_sizes == [1]


def test_failing_row_lost_alone(caplog):
    organization = make_organization()
    unknown_organization_id = uuid.uuid4()
    writer = BatchedActivityWriter(NEVER_MS / 1000)
    for organization_id in (organization.id, unknown_organization_id, organization.id):
        writer.add(partial(event, organization_id))

    with caplog.at_level(logging.ERROR, logger="audit.recording"):
        writer.stop()

    assert ProvisioningEvent.objects.filter(organization=organization).count() == 2
    [failure] = [record for record in caplog.records if record.getMessage() == "provisioning_activity.record_failed"]
    assert failure.organization_id == str(unknown_organization_id)


def test_rows_written_together_keep_every_character():
    organization = make_organization()
    person_id = uuid.uuid4()
    occurred_at = timezone.now()
    body = '{"userName": "tab\\there", "note": "line\\nbreak \\\\ \\\\N \\"quoted\\" Ünïcødé 東京"}'
    written = [
        ProvisioningEvent(
            organization=organization, occurred_at=occurred_at, client="bearer token abc", method="PUT",
            path="/Users/x?y=1", operation=ProvisioningEvent.Operation.UPDATE, person_id=person_id,
            person_user_name="a\tb\nc\\d", status=200, duration_ms=7, request_body=body,
            response_body="plain\r\ntext\t\\N",
        ),
        event(organization.id, status=404),
    ]

    writer_module.insert_together(written)

    first, second = ProvisioningEvent.objects.filter(organization=organization).order_by("id")
    assert (first.occurred_at, first.person_id, first.person_user_name) == (occurred_at, person_id, "a\tb\nc\\d")
    assert (first.request_body, first.response_body) == (body, "plain\r\ntext\t\\N")
    assert (first.status, first.duration_ms, first.operation) == (200, 7, "update")
    assert (second.status, second.person_id, second.request_body, second.group_id) == (404, None, "", None)


def test_rows_beyond_limit_dropped(monkeypatch, caplog):
    monkeypatch.setattr(writer_module, "MAX_WAITING_ROWS", 2)
    organization = make_organization()
    writer = BatchedActivityWriter(NEVER_MS / 1000)

    with caplog.at_level(logging.WARNING, logger="audit.recording"):
        accepted = [writer.add(partial(event, organization.id, status)) for status in (200, 201, 404)]
    writer.stop()

    assert accepted == [True, True, False]
    assert writer.dropped == 1
    assert sorted(ProvisioningEvent.objects.values_list("status", flat=True)) == [200, 201]
    [warning] = [record for record in caplog.records if record.getMessage() == "provisioning_activity.dropped"]
    assert (warning.dropped, warning.waiting) == (1, 2)


def test_writer_restarts_after_stop():
    organization = make_organization()
    writer = BatchedActivityWriter(NEVER_MS / 1000)
    writer.add(partial(event, organization.id, 200))
    writer.stop()

    writer.add(partial(event, organization.id, 201))
    writer.stop()

    assert sorted(ProvisioningEvent.objects.values_list("status", flat=True)) == [200, 201]


@override_settings(PROVISIONING_ACTIVITY_BATCH_MS=0)
def test_no_writer_without_batch_interval():
    assert activity_writer() is None
