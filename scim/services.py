"""Create, replace, patch and delete people over SCIM. Each write commits whole or not at all."""

import contextlib
import functools
import logging

from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from accounts.models import Person
from audit.models import AuditEvent, ProvisioningEvent
from audit.trail import record_audit_event
from scim.adapters import REQUIRED_ATTRIBUTES, ScimPerson
from scim.errors import NotFound, Uniqueness
from scim.lookups import find_by_unique_attribute, is_uuid
from scim.patch import apply_operations
from scim.versions import check_if_match

logger = logging.getLogger("scim.people")

# How many unlocked attempts a replace or patch makes while other writes keep changing
# the person after its read. Then it locks the row (see _change_person).
OPTIMISTIC_ATTEMPTS = 3

# The fields a SCIM write can change; `version` increases when one of them does.
SCIM_FIELDS = (
    "external_id",
    "user_name",
    "display_name",
    "email",
    "email_primary",
    "first_name",
    "last_name",
    "job_title",
    "city",
    "department",
    "company_name",
    "active",
)


def find_person(organization, person_id, *, for_update=False, joined_read=None):
    """Return the organization's person with this SCIM id, or raise NotFound.

    `joined_read` is the read by id that the request's bearer token query ran, if any
    (scim.lookups.joined_person_read).
    """
    if not is_uuid(person_id):
        raise NotFound("No user has this id.")
    if for_update:
        found = Person.objects.select_for_update().filter(organization=organization, id=person_id)
    else:
        found = find_by_unique_attribute(organization.id, "id", person_id, joined_read=joined_read)
    for person in found:
        return person
    raise NotFound("No user has this id.")


def create_person(organization, document):
    """Create a person with one INSERT outside any transaction. The unique constraints decide conflicts.

    The instance is saved as Model.save() leaves it, except that its generated
    search column is not loaded: reading it would cost a query.
    """
    person = Person(organization=organization, source=Person.Source.DIRECTORY)
    ScimPerson(person).from_dict(document)
    sql, fields = _insert_statement(connection.alias)
    params = [field.get_db_prep_save(field.pre_save(person, True), connection) for field in fields]
    try:
        with _recoverable(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError as error:
        raise _uniqueness_error(error) from None
    person._state.adding = False
    person._state.db = connection.alias
    return person


def replace_person(organization, person_id, document, *, if_match=None, joined_read=None):
    """Replace every mapped attribute (RFC 7644 §3.5.1); `active` stays when absent.

    Returns (person, operation), the operation being a ProvisioningEvent.Operation.
    """
    return _change_person(
        organization, person_id, if_match, lambda person: ScimPerson(person).from_dict(document), joined_read
    )


def patch_person(organization, person_id, operations, *, if_match=None, joined_read=None):
    """Apply PATCH operations (RFC 7644 §3.5.2): all of them, or none on an error.

    Returns (person, operation), the operation being a ProvisioningEvent.Operation.
    """

    def apply(person):
        adapter = ScimPerson(person)
        document = adapter.to_document()
        # A person created here may lack externalId or displayName; PATCH must not
        # remove a required attribute, but need not add one that was never set.
        required = [attribute for attribute in REQUIRED_ATTRIBUTES if document.get(attribute)]
        apply_operations(document, operations)
        adapter.from_dict(document, required)

    return _change_person(organization, person_id, if_match, apply, joined_read)


@transaction.atomic
def delete_person(organization, person_id, *, if_match=None, request=None, client_label=""):
    """Delete the person and write a PERSON_DELETED audit event; return the deleted person.

    RFC 7644 §3.6: later reads return 404, and the user name and external id become
    free for a new person. The audit event keeps the ids and the user name.
    """
    person = find_person(organization, person_id, for_update=True)
    check_if_match(person, if_match)
    person.delete()
    record_audit_event(
        organization,
        AuditEvent.Action.PERSON_DELETED,
        request=request,
        actor_label=client_label,
        target=person.user_name,
        changes={"person_id": str(person_id), "external_id": person.external_id},
    )
    logger.info("scim.person_deleted", extra={"organization_id": str(organization.id), "person_id": str(person_id)})
    return person


def _change_person(organization, person_id, if_match, change, joined_read=None):
    """Read the person, apply `change` to them and save the SCIM fields it changed.

    Concurrency is optimistic. The UPDATE runs in autocommit and names the version it
    read, so it changes nothing when another write came first. The write then starts
    again from the person as that write left them, which gives 412 under If-Match
    and 404 once the person is deleted. That costs two database round trips fewer
    than BEGIN, SELECT ... FOR UPDATE, UPDATE and COMMIT. After OPTIMISTIC_ATTEMPTS
    lost races the write locks the row, so it ends even while others keep writing
    the same person.

    Returns (person, operation), the operation being a ProvisioningEvent.Operation.
    """
    for _ in range(OPTIMISTIC_ATTEMPTS):
        person = find_person(organization, person_id, joined_read=joined_read)
        # A later attempt reads what the write that came first left.
        joined_read = None
        check_if_match(person, if_match)
        operation, changed = _apply(person, change)
        if not changed or _update_if_unchanged(person, changed):
            return person, operation
    with transaction.atomic():
        person = find_person(organization, person_id, for_update=True)
        check_if_match(person, if_match)
        operation, changed = _apply(person, change)
        if changed:
            _update_if_unchanged(person, changed)
        return person, operation


def _apply(person, change):
    """Apply `change` to the person and return the operation and the SCIM fields that changed."""
    before = [getattr(person, field) for field in SCIM_FIELDS]
    was_active = person.active
    change(person)
    changed = [field for field, value in zip(SCIM_FIELDS, before) if getattr(person, field) != value]
    if was_active and not person.active:
        return ProvisioningEvent.Operation.DEACTIVATE, changed
    if not was_active and person.active:
        return ProvisioningEvent.Operation.REACTIVATE, changed
    return ProvisioningEvent.Operation.UPDATE, changed


def _update_if_unchanged(person, fields):
    """Save `fields` with the next version if the row still has the version read, and return whether it did."""
    now = timezone.now()
    sql, model_fields = _versioned_update_statement(connection.alias, tuple(fields))
    values = [getattr(person, field) for field in fields] + [person.version + 1, now, person.pk, person.version]
    params = [field.get_db_prep_save(value, connection) for field, value in zip(model_fields, values)]
    try:
        with _recoverable(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            updated = cursor.rowcount
    except IntegrityError as error:
        raise _uniqueness_error(error) from None
    if updated:
        person.version += 1
        person.updated_at = now
    return bool(updated)


@functools.lru_cache(maxsize=8)
def _insert_statement(alias):
    """Return the INSERT of create_person and the model field of each parameter.

    Built once per database. Model.save(force_insert=True) compiled the same INSERT
    on every POST, which with its other steps took about 0.25 ms of CPU. Unlike
    save(), it does not read back the generated search column, which only the
    Users tab uses.
    """
    quote = connections[alias].ops.quote_name
    fields = [field for field in Person._meta.concrete_fields if not field.generated]
    sql = (
        f"INSERT INTO {quote(Person._meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    return sql, fields


@functools.lru_cache(maxsize=256)
def _versioned_update_statement(alias, fields):
    """Return the SQL of _update_if_unchanged for these fields, and the model field of each parameter.

    Built once per set of changed fields: the ORM compiled the same UPDATE anew on
    every request, which took about 0.2 ms of CPU, more than PostgreSQL took to
    run it. `alias` keys the cache by database, whose quoting may differ.
    """
    quote = connections[alias].ops.quote_name
    assigned = [Person._meta.get_field(name) for name in (*fields, "version", "updated_at")]
    keys = [Person._meta.pk, Person._meta.get_field("version")]
    sql = (
        f"UPDATE {quote(Person._meta.db_table)}"
        f" SET {', '.join(f'{quote(field.column)} = %s' for field in assigned)}"
        f" WHERE {' AND '.join(f'{quote(field.column)} = %s' for field in keys)}"
    )
    return sql, assigned + keys


def _recoverable():
    """Return a context manager after whose IntegrityError the connection stays usable.

    In autocommit a failed statement leaves nothing behind, so this adds no query.
    Inside an atomic block (a caller's, or a test's) it is a savepoint.
    """
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return contextlib.nullcontext()


def _uniqueness_error(error):
    """Return the Uniqueness error for an IntegrityError of a person's unique constraints."""
    # The constraint name is in the database message, which stays out of the response.
    if "external_id" in str(error):
        return Uniqueness("A user with this externalId already exists.")
    return Uniqueness("A user with this userName already exists (user names ignore letter case).")
