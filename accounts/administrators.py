"""Creation of organization administrators: people with a password sign-in."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import Group, Membership, Person


@transaction.atomic
def create_administrator(organization, *, user_name, email, password, first_name="", last_name=""):
    """Create a person in the organization's Administrators group who signs in with `password`.

    Raises django.core.exceptions.ValidationError when the password fails the
    configured password validators.
    """
    person = Person(
        organization=organization,
        user_name=user_name,
        email=email,
        first_name=first_name,
        last_name=last_name,
        display_name=" ".join(part for part in (first_name, last_name) if part) or user_name,
        source=Person.Source.LOCAL,
    )
    # The auth user's name only has to be unique site-wide; people sign in with their
    # organization's user name, which OrganizationPersonBackend resolves.
    user = get_user_model()(username=f"person-{person.id}", email=email)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    person.user = user
    person.save()
    administrators = Group.objects.get(organization=organization, builtin_role=Group.BuiltinRole.ADMINISTRATORS)
    Membership.objects.create(group=administrators, person=person)
    return person
