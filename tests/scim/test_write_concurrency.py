"""Replace and patch with optimistic concurrency (scim.services._change_person).

A write reads the person, applies the request and runs an UPDATE that names the
version it read. These tests put another write between the read and the UPDATE
and check that nothing is lost, then check the same with real threads on
PostgreSQL.
"""

import pytest
from django.db import connection
from django.db.models import F

from accounts.models import Person
from scim import services
from scim.errors import NotFound, PreconditionFailed, Uniqueness
from tests.factories import make_organization, make_person
from tests.scim.conftest import run_together, scim_base_path
from tests.scim.helpers import patch_body

TITLE_PATCH = [{"op": "replace", "path": "title", "value": "Director"}]


@pytest.fixture
def reads(monkeypatch):
    """Record each find_person call of scim.services and run `between` after the first `runs` reads."""
    calls = []
    state = {"between": None, "runs": 1}
    real_find_person = services.find_person

    def find_person(organization, person_id, *, for_update=False, joined_read=None):
        person = real_find_person(organization, person_id, for_update=for_update, joined_read=joined_read)
        calls.append("locked" if for_update else "plain")
        if state["between"] is not None and len(calls) <= state["runs"]:
            state["between"]()
        return person

    monkeypatch.setattr(services, "find_person", find_person)

    def configure(between, runs=1):
        state["between"], state["runs"] = between, runs
        return calls

    return configure


def other_write(person, **fields):
    """Change the person as a concurrent SCIM or SSO write would: new values and the next version."""
    return lambda: Person.objects.filter(pk=person.pk).update(**fields, version=F("version") + 1)


@pytest.mark.django_db
def test_patch_person_after_concurrent_write(organization, reads):
    person = make_person(organization, department="Sales")
    calls = reads(other_write(person, department="Finance"))

    updated, operation = services.patch_person(organization, str(person.id), TITLE_PATCH)

    assert calls == ["plain", "plain"]
    assert (updated.job_title, updated.department, updated.version, operation) == ("Director", "Finance", 3, "update")
    person.refresh_from_db()
    assert (person.job_title, person.department, person.version) == ("Director", "Finance", 3)


@pytest.mark.django_db
def test_replace_person_after_concurrent_write(organization, reads):
    person = make_person(organization, user_name="ada@example.com", external_id="00u1")
    calls = reads(other_write(person, city="Paris"))
    document = {"userName": "ada@example.com", "externalId": "00u1", "displayName": "Ada", "title": "Director"}

    updated, _ = services.replace_person(organization, str(person.id), document)

    assert calls == ["plain", "plain"]
    person.refresh_from_db()
    # A PUT replaces every attribute: the city it did not send is cleared, from the
    # person as the other write left them.
    assert (person.job_title, person.city, person.version, updated.version) == ("Director", "", 3, 3)


@pytest.mark.django_db
def test_patch_person_locks_after_lost_attempts(organization, reads):
    person = make_person(organization)
    calls = reads(other_write(person, city="Paris"), runs=services.OPTIMISTIC_ATTEMPTS)

    updated, _ = services.patch_person(organization, str(person.id), TITLE_PATCH)

    assert calls == ["plain"] * services.OPTIMISTIC_ATTEMPTS + ["locked"]
    person.refresh_from_db()
    expected_version = 1 + services.OPTIMISTIC_ATTEMPTS + 1
    assert (person.job_title, person.city, person.version, updated.version) == (
        "Director", "Paris", expected_version, expected_version
    )


@pytest.mark.django_db
def test_patch_person_if_match_after_concurrent_write(organization, reads):
    person = make_person(organization)
    calls = reads(other_write(person, city="Paris"))

    with pytest.raises(PreconditionFailed):
        services.patch_person(organization, str(person.id), TITLE_PATCH, if_match='W/"1"')

    assert calls == ["plain", "plain"]
    person.refresh_from_db()
    assert (person.job_title, person.city, person.version) == ("", "Paris", 2)


@pytest.mark.django_db
def test_patch_person_deleted_meanwhile(organization, reads):
    person = make_person(organization)
    reads(lambda: Person.objects.filter(pk=person.pk).delete())

    with pytest.raises(NotFound):
        services.patch_person(organization, str(person.id), TITLE_PATCH)

    assert not Person.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_patch_person_without_change(organization, django_assert_num_queries):
    person = make_person(organization, job_title="Director", email_primary=True)

    with django_assert_num_queries(1):
        updated, _ = services.patch_person(organization, str(person.id), TITLE_PATCH)

    assert updated.version == 1


@pytest.mark.django_db
def test_patch_person_taken_user_name(organization):
    make_person(organization, user_name="taken@example.com")
    person = make_person(organization, user_name="free@example.com")

    with pytest.raises(Uniqueness):
        services.patch_person(
            organization, str(person.id), [{"op": "replace", "path": "userName", "value": "TAKEN@example.com"}]
        )

    person.refresh_from_db()
    assert (person.user_name, person.version) == ("free@example.com", 1)


@pytest.mark.django_db(transaction=True)
def test_writes_run_in_autocommit():
    organization = make_organization()
    person = make_person(organization)
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql.split()[0], connection.get_autocommit(), connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        services.patch_person(organization, str(person.id), TITLE_PATCH)
        services.create_person(organization, {"userName": "new@example.com", "externalId": "00u2", "displayName": "New"})

    # The read and the UPDATE of the patch, then the INSERT, with no BEGIN and no savepoint.
    assert statements == [("SELECT", True, False), ("UPDATE", True, False), ("INSERT", True, False)]


def test_concurrent_patches_keep_every_change(organization_with_token):
    organization, raw_token = organization_with_token
    person = make_person(organization)
    path = f"{scim_base_path(organization)}/Users/{person.id}"
    changes = {
        "title": "Director",
        'addresses[type eq "work"].locality': "Paris",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Finance",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization": "Example Corp",
        "displayName": "Pat Director",
    }
    statuses = run_together(
        raw_token,
        [("patch", path, patch_body({"op": "replace", "path": attribute, "value": value})) for attribute, value in changes.items()],
    )

    assert statuses == [200] * len(changes)
    person.refresh_from_db()
    assert (person.job_title, person.city, person.department, person.company_name, person.display_name) == (
        "Director", "Paris", "Finance", "Example Corp", "Pat Director"
    )
    assert person.version == 1 + len(changes)
