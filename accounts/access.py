"""Access rules of the organization admin area.

Administrators of the organization get in. A signed-in member of the organization
who is not an administrator gets 403. Anyone else signed in gets 404, so the
admin area does not reveal what another organization contains.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import Organization, Person


def person_of(request, organization):
    """Return the signed-in person if they belong to `organization`, else None."""
    if not request.user.is_authenticated:
        return None
    person = Person.objects.filter(user_id=request.user.pk, organization=organization).first()
    if person is None or not person.active:
        return None
    return person


def organization_member_required(view):
    """Give the view (request, organization, person) for signed-in people of the organization."""

    @wraps(view)
    def wrapper(request, org_name, *args, **kwargs):
        organization = get_object_or_404(Organization, name=org_name)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:login", args=[organization.name]))
        person = person_of(request, organization)
        if person is None:
            raise Http404("No such organization.")
        return view(request, organization, person, *args, **kwargs)

    return wrapper


def organization_admin_required(view):
    """Like organization_member_required, and reject people who are not administrators."""

    @organization_member_required
    @wraps(view)
    def wrapper(request, organization, person, *args, **kwargs):
        if not person.is_administrator():
            raise PermissionDenied("Only organization administrators can open this page.")
        return view(request, organization, person, *args, **kwargs)

    return wrapper
