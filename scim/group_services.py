"""Create, replace, patch and delete directory groups over SCIM, each in one transaction.

A membership change costs a fixed number of queries whatever the number of
members: one to check the member ids, then one bulk insert, one delete, or both
for a replace. On SQLite, Django splits a bulk insert of more than 333 rows into
batches because it binds at most 999 parameters per query.
"""

import logging
import uuid

from django.db import IntegrityError, transaction

from accounts.models import Group, Membership, Person
from scim import versions
from scim.errors import InvalidValue, NotFound, PreconditionFailed, Uniqueness
from scim.group_patch import (
    AddMembers,
    RemoveMembers,
    ReplaceMembers,
    SetDisplayName,
    SetExternalId,
    read_operations,
)
from scim.groups import ScimGroup, directory_groups

logger = logging.getLogger("scim.groups")


def find_group(organization, group_id, *, for_update=False):
    """Return the organization's directory group with this SCIM id, or raise NotFound."""
    groups = directory_groups(organization)
    if for_update:
        groups = groups.select_for_update()
    group = groups.filter(id=group_id).first() if _is_uuid(group_id) else None
    if group is None:
        raise NotFound("No group has this id.")
    return group


@transaction.atomic
def create_group(organization, document):
    group = Group(organization=organization, kind=Group.Kind.DIRECTORY)
    member_ids = _person_ids(organization, ScimGroup(group).from_dict(document))
    _save(group)
    _add_members(group, member_ids)
    logger.info("scim.group_created organization_id=%s group_id=%s", organization.id, group.id)
    return group


@transaction.atomic
def replace_group(organization, group_id, document, *, if_match=None):
    """Replace displayName, externalId and the whole member list (RFC 7644 §3.5.1)."""
    group = find_group(organization, group_id, for_update=True)
    _check_if_match(group, if_match)
    member_ids = _person_ids(organization, ScimGroup(group).from_dict(document))
    _replace_members(group, member_ids)
    _save_new_version(group)
    return group


@transaction.atomic
def patch_group(organization, group_id, operations, *, if_match=None):
    """Apply PATCH operations (RFC 7644 §3.5.2) in order: all of them, or none on an error."""
    group = find_group(organization, group_id, for_update=True)
    _check_if_match(group, if_match)
    for change in read_operations(group.id, operations):
        if isinstance(change, SetDisplayName):
            group.name = change.value
        elif isinstance(change, SetExternalId):
            group.external_id = change.value
        elif isinstance(change, AddMembers):
            _add_members(group, _person_ids(organization, change.values))
        elif isinstance(change, ReplaceMembers):
            _replace_members(group, _person_ids(organization, change.values))
        elif isinstance(change, RemoveMembers):
            _remove_members(group, change.values)
    # Saving also moves updated_at, the group's last change, when only members changed.
    _save_new_version(group)
    return group


@transaction.atomic
def delete_group(organization, group_id, *, if_match=None):
    """Delete the group and its memberships, and return the deleted group; the people stay."""
    group = find_group(organization, group_id, for_update=True)
    _check_if_match(group, if_match)
    deleted_id = group.id
    group.delete()
    group.id = deleted_id  # Model.delete() clears the primary key; the activity record shows it.
    logger.info("scim.group_deleted", extra={"organization_id": str(organization.id), "group_id": str(deleted_id)})
    return group


def _person_ids(organization, values):
    """Return the person ids named by member values, checked against the organization, in one query.

    Raises InvalidValue naming a value that is not the id of a person of the organization.
    """
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            raise InvalidValue(f"The member value {value!r} is not the id of a user of this organization.") from None
    unique_ids = set(ids)
    if not unique_ids:
        return unique_ids
    found = set(Person.objects.filter(organization=organization, id__in=unique_ids).values_list("id", flat=True))
    missing = [value for value, person_id in zip(values, ids) if person_id not in found]
    if missing:
        raise InvalidValue(f"The member value {missing[0]!r} is not the id of a user of this organization.")
    return unique_ids


def _add_members(group, person_ids):
    if person_ids:
        # ignore_conflicts makes adding a present member a no-op (RFC 7644 §3.5.2.1).
        Membership.objects.bulk_create(
            [Membership(group=group, person_id=person_id) for person_id in person_ids], ignore_conflicts=True
        )


def _remove_members(group, values):
    """Remove the members with these ids, or every member when `values` is None.

    A value that names no member is skipped, so a repeated removal succeeds.
    """
    memberships = Membership.objects.filter(group=group)
    if values is not None:
        person_ids = [person_id for value in values if (person_id := _uuid_or_none(value)) is not None]
        memberships = memberships.filter(person_id__in=person_ids)
    memberships.delete()


def _replace_members(group, person_ids):
    Membership.objects.filter(group=group).exclude(person_id__in=person_ids).delete()
    _add_members(group, person_ids)


def _check_if_match(group, if_match):
    if if_match is not None and not versions.matches(group, if_match):
        raise PreconditionFailed(f"The group has changed; its current version is {versions.etag(group)}.")


def _save_new_version(group):
    # NOTE: the version also increases when the write changed nothing, such as adding
    # a present member, because finding out would cost a query per operation.
    group.version += 1
    _save(group)


def _save(group):
    """Save the group; the database's unique constraint decides name conflicts, races included."""
    try:
        # Every caller is inside an atomic block and gives up on a conflict, so no
        # savepoint is needed to go on after the IntegrityError.
        with transaction.atomic(savepoint=False):
            group.save()
    except IntegrityError:
        # The database message names the constraint; it is not sent to the client.
        raise Uniqueness("A group with this displayName already exists (group names ignore letter case).") from None


def _uuid_or_none(value):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _is_uuid(value):
    return _uuid_or_none(str(value)) is not None
