from django import forms
from django.core.exceptions import ValidationError
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Person


class OrganizationSignInForm(AuthenticationForm):
    """Sign-in form of one organization: the user name is looked up within it."""

    error_messages = {
        "invalid_login": _("The user name or password is incorrect, or the account is inactive."),
        "inactive": _("This account is inactive."),
        "single_sign_on": _(
            "This organization signs in with single sign-on: select Continue with SSO. "
            "Password sign-in is kept for administrators."
        ),
    }

    def __init__(self, request=None, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("User name")

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            from django.contrib.auth import authenticate

            self.user_cache = authenticate(
                self.request, organization=self.organization, username=username, password=password
            )
            # Django's ModelBackend, kept for the Django admin, ignores `organization`:
            # a superuser or another organization's person must not sign in here.
            person = getattr(self.user_cache, "person", None)
            if person is None or person.organization_id != self.organization.id:
                self.user_cache = None
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user):
        """Allow password sign-in only to administrators while SAML single sign-on is Active.

        Administrators keep it as break-glass access, so a broken SSO setup cannot lock
        the organization out. The check runs after the password, so it reveals nothing
        about accounts to someone without one.
        """
        super().confirm_login_allowed(user)
        if self.organization.single_sign_on_active() and not user.person.is_administrator():
            raise ValidationError(self.error_messages["single_sign_on"], code="single_sign_on")


class PeopleFilterForm(forms.Form):
    STATUS_CHOICES = [("", "Any status"), ("active", "Active"), ("inactive", "Inactive")]

    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    source = forms.ChoiceField(required=False, choices=[("", "Any source"), *Person.Source.choices])

    def filters(self):
        """Return the search arguments for accounts.directory.search_people; empty when invalid."""
        if not self.is_valid():
            return {}
        return {
            "query": self.cleaned_data["q"].strip(),
            "status": self.cleaned_data["status"],
            "source": self.cleaned_data["source"],
        }


class OrganizationLookupForm(forms.Form):
    organization = forms.SlugField(max_length=63, label="Organization URL name")
