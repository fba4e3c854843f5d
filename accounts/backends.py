from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.hashers import make_password

from accounts.models import Person


class OrganizationPersonBackend(BaseBackend):
    """Authenticate a person by organization, user name (any letter case) and password.

    Only active people with a sign-in identity can authenticate. Other backends are
    asked when no `organization` is passed.
    """

    def authenticate(self, request, organization=None, username=None, password=None, **kwargs):
        if organization is None or username is None or password is None:
            return None
        person = (
            Person.objects.select_related("user")
            .filter(organization=organization, user_name__iexact=username, user__isnull=False)
            .first()
        )
        if person is None:
            # Hash anyway so that response times do not reveal which user names exist.
            make_password(password)
            return None
        user = person.user
        if user.check_password(password) and person.active and user.is_active:
            return user
        return None

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(pk=user_id, is_active=True).first()
