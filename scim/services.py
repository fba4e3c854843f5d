"""Create, replace, patch and delete people over SCIM, each in one transaction."""

import logging
import uuid

from django.db import IntegrityError, transaction

from accounts.models import Person
from audit.models import AuditEvent, ProvisioningEvent
from audit.trail import record_audit_event
from scim.adapters import REQUIRED_ATTRIBUTES, ScimPerson
from scim.errors import NotFound, Uniqueness
from scim.patch import apply_operations
from scim.versions import check_if_match

logger = logging.getLogger("scim.people")

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


def find_person(organization, person_id, *, for_update=False):
    """Return the organization's person with this SCIM id, or raise NotFound."""
    if not _is_uuid(person_id):
        raise NotFound("No user has this id.")
    people = Person.objects.select_for_update() if for_update else Person.objects
    try:
        return people.get(organization=organization, id=person_id)
    except Person.DoesNotExist:
        raise NotFound("No user has this id.") from None


@transaction.atomic
def create_person(organization, document):
    person = Person(organization=organization, source=Person.Source.DIRECTORY)
    ScimPerson(person).from_dict(document)
    _save(person)
    return person


@transaction.atomic
def replace_person(organization, person_id, document, *, if_match=None):
    """Replace every mapped attribute (RFC 7644 §3.5.1); `active` stays when absent.

    Returns (person, operation), the operation being a ProvisioningEvent.Operation.
    """
    person = find_person(organization, person_id, for_update=True)
    check_if_match(person, if_match)
    operation = _save_changes(person, lambda: ScimPerson(person).from_dict(document))
    return person, operation


@transaction.atomic
def patch_person(organization, person_id, operations, *, if_match=None):
    """Apply PATCH operations (RFC 7644 §3.5.2): all of them, or none on an error.

    Returns (person, operation), the operation being a ProvisioningEvent.Operation.
    """
    person = find_person(organization, person_id, for_update=True)
    check_if_match(person, if_match)
    adapter = ScimPerson(person)

    def apply():
        document = adapter.to_document()
        # A person created here may lack externalId or displayName; PATCH must not
        # remove a required attribute, but need not add one that was never set.
        required = [attribute for attribute in REQUIRED_ATTRIBUTES if document.get(attribute)]
        apply_operations(document, operations)
        adapter.from_dict(document, required)

    operation = _save_changes(person, apply)
    return person, operation


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


def _save_changes(person, change):
    """Apply `change` and save the person if a SCIM field changed; return the operation."""
    before = _values(person)
    was_active = person.active
    change()
    if _values(person) != before:
        person.version += 1
        _save(person)
    if was_active and not person.active:
        return ProvisioningEvent.Operation.DEACTIVATE
    if not was_active and person.active:
        return ProvisioningEvent.Operation.REACTIVATE
    return ProvisioningEvent.Operation.UPDATE


def _values(person):
    return tuple(getattr(person, field) for field in SCIM_FIELDS)


def _save(person):
    """Save the person; the database's unique constraints decide conflicts, races included."""
    try:
        # Every caller is inside an atomic block and gives up on a conflict, so no
        # savepoint is needed to go on after the IntegrityError.
        with transaction.atomic(savepoint=False):
            person.save()
    except IntegrityError as error:
        # The constraint name is in the database message; the message itself stays here.
        if "external_id" in str(error):
            raise Uniqueness("A user with this externalId already exists.") from None
        raise Uniqueness("A user with this userName already exists (user names ignore letter case).") from None


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
