import pytest
from django.db import IntegrityError, transaction

from accounts.models import Group, Membership, Organization
from tests.factories import make_organization, make_person


@pytest.mark.django_db
def test_new_organization_gets_builtin_groups():
    organization = make_organization()

    groups = Group.objects.filter(organization=organization).order_by("name")

    assert [(group.name, group.kind, group.builtin_role) for group in groups] == [
        ("Administrators", Group.Kind.BUILTIN, Group.BuiltinRole.ADMINISTRATORS),
        ("Everyone", Group.Kind.BUILTIN, Group.BuiltinRole.EVERYONE),
    ]


@pytest.mark.django_db
def test_user_name_unique_ignoring_case():
    organization = make_organization()
    make_person(organization, user_name="Alice@Example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(organization, user_name="alice@example.COM")

    assert organization.people.count() == 1


@pytest.mark.django_db
def test_same_user_name_in_two_organizations():
    first, second = make_organization(), make_organization()

    make_person(first, user_name="alice@example.com")
    make_person(second, user_name="alice@example.com")

    assert first.people.get().user_name == second.people.get().user_name


@pytest.mark.django_db
def test_external_id_unique_per_organization_when_set():
    organization, other = make_organization(), make_organization()
    make_person(organization, external_id="00u1")
    make_person(organization, external_id=None)
    make_person(organization, external_id=None)
    make_person(other, external_id="00u1")

    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(organization, external_id="00u1")

    assert organization.people.filter(external_id__isnull=True).count() == 2


@pytest.mark.django_db
def test_second_builtin_administrators_group_rejected():
    organization = make_organization()

    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.create(
            organization=organization,
            name="Administrators",
            kind=Group.Kind.BUILTIN,
            builtin_role=Group.BuiltinRole.ADMINISTRATORS,
        )


@pytest.mark.django_db
def test_membership_unique_per_group_and_person():
    organization = make_organization()
    person = make_person(organization)
    group = Group.objects.get(organization=organization, builtin_role=Group.BuiltinRole.ADMINISTRATORS)
    Membership.objects.create(group=group, person=person)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=group, person=person)


@pytest.mark.parametrize("name", ["Acme", "-acme", "acme-", "ac_me", "a" * 64, "admin", "static", ""])
def test_organization_name_rejects_invalid(name):
    from django.core.exceptions import ValidationError

    organization = Organization(name=name, display_name="Acme")

    with pytest.raises(ValidationError) as raised:
        organization.clean_fields()

    assert "name" in raised.value.message_dict


@pytest.mark.parametrize("name", ["acme", "a", "acme-corp-2"])
def test_organization_name_accepts_valid(name):
    Organization(name=name, display_name="Acme").clean_fields()
