"""Create, replace, patch and delete people over SCIM, each in one transaction."""

import logging
import uuid

from django.db import IntegrityError, transaction

from accounts.models import Person
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
    people = Person.objects.filter(organization=organization)
    if for_update:
        people = people.select_for_update()
    person = people.filter(id=person_id).first() if _is_uuid(person_id) else None
    if person is None:
        raise NotFound("No user has this id.")
    return person


@transaction.atomic
def create_person(organization, document):
    person = Person(organization=organization, source=Person.Source.DIRECTORY)
    ScimPerson(person).from_dict(document)
    _save(person)
    return person


@transaction.atomic
def replace_person(organization, person_id, document, *, if_match=None):
    """Replace every mapped attribute (RFC 7644 §3.5.1); `active` stays when absent."""
    person = find_person(organization, person_id, for_update=True)
    check_if_match(person, if_match)
    _save_changes(person, lambda: ScimPerson(person).from_dict(document))
    return person


@transaction.atomic
def patch_person(organization, person_id, operations, *, if_match=None):
    """Apply PATCH operations (RFC 7644 §3.5.2): all of them, or none on an error."""
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

    _save_changes(person, apply)
    return person


@transaction.atomic
def delete_person(organization, person_id, *, if_match=None):
    """Delete the person; the log line with the ids is the audit trail."""
    person = find_person(organization, person_id, for_update=True)
    check_if_match(person, if_match)
    person.delete()
    logger.info(
        "scim.person_deleted organization_id=%s person_id=%s", organization.id, person_id
    )


def _save_changes(person, change):
    before = _values(person)
    change()
    if _values(person) != before:
        person.version += 1
        _save(person)


def _values(person):
    return tuple(getattr(person, field) for field in SCIM_FIELDS)


def _save(person):
    """Save the person; the database's unique constraints decide conflicts, races included."""
    try:
        with transaction.atomic():
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
