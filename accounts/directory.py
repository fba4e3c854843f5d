"""Queries behind the Accounts and Groups pages.

They are built to stay fast at 100,000 people in one organization: the Users tab
orders by the (organization, lower(user_name)) unique index, and on PostgreSQL the
search uses the trigram index on Person.search_text (migration 0005).
"""

from django.db.models import Count, Q
from django.db.models.functions import Lower

from accounts.models import Group, Membership, Person


def search_people(organization, *, query="", status="", source=""):
    """Return the organization's people matching the Users tab's search and filters."""
    people = Person.objects.filter(organization=organization)
    if query:
        people = people.filter(search_text__icontains=query)
    if status == "active":
        people = people.filter(active=True)
    elif status == "inactive":
        people = people.filter(active=False)
    if source:
        people = people.filter(source=source)
    return people.order_by(Lower("user_name"))


def groups_with_member_counts(organization):
    """Return the organization's groups, each with `member_count`.

    Everyone counts every person of the organization, since it has no membership rows.
    """
    groups = list(
        Group.objects.filter(organization=organization)
        .annotate(member_count=Count("memberships"))
        .order_by("kind", Lower("name"))
    )
    if any(group.is_everyone for group in groups):
        everyone_count = Person.objects.filter(organization=organization).count()
        for group in groups:
            if group.is_everyone:
                group.member_count = everyone_count
    return groups


def group_members(group):
    """Return the people in the group, ordered by user name."""
    if group.is_everyone:
        people = Person.objects.filter(organization_id=group.organization_id)
    else:
        people = Person.objects.filter(memberships__group=group)
    return people.order_by(Lower("user_name"))


def groups_of_person(person):
    """Return the person's groups, Everyone included, in the Groups tab's order, in one query."""
    memberships = Membership.objects.filter(person=person).values("group_id")
    return Group.objects.filter(organization_id=person.organization_id).filter(
        Q(builtin_role=Group.BuiltinRole.EVERYONE) | Q(id__in=memberships)
    ).order_by("kind", Lower("name"))
