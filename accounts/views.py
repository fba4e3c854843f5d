from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts import directory
from accounts.access import organization_admin_required, organization_member_required
from accounts.forms import OrganizationLookupForm, OrganizationSignInForm, PeopleFilterForm
from accounts.models import Group, Organization, Person
from accounts.pagination import ReversiblePaginator

PEOPLE_PER_PAGE = 50


def landing(request):
    form = OrganizationLookupForm(request.GET or None)
    if form.is_valid():
        organization = Organization.objects.filter(name=form.cleaned_data["organization"].lower()).first()
        if organization is not None:
            return redirect("accounts:login", organization.name)
        form.add_error("organization", "No organization has this URL name.")
    return render(request, "accounts/landing.html", {"form": form})


class OrganizationLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = OrganizationSignInForm
    redirect_authenticated_user = False

    def dispatch(self, request, org_name, *args, **kwargs):
        self.organization = get_object_or_404(Organization, name=org_name)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_default_redirect_url(self):
        return reverse("accounts:home", args=[self.organization.name])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organization": self.organization}


class OrganizationLogoutView(auth_views.LogoutView):
    def dispatch(self, request, org_name, *args, **kwargs):
        self.next_page = reverse("accounts:login", args=[org_name])
        return super().dispatch(request, *args, **kwargs)


@organization_member_required
def home(request, organization, person):
    return render(
        request,
        "accounts/home.html",
        {"organization": organization, "person": person, "is_administrator": person.is_administrator()},
    )


@organization_admin_required
def admin_home(request, organization, person):
    return redirect("accounts:users", organization.name)


@organization_admin_required
def user_list(request, organization, person):
    form = PeopleFilterForm(request.GET)
    people = directory.search_people(organization, **form.filters())
    page = ReversiblePaginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {
            "organization": organization,
            "form": form,
            "page": page,
            "query_without_page": query_without_page.urlencode(),
            "section": "accounts",
        },
    )


@organization_admin_required
def user_detail(request, organization, person, person_id):
    shown = get_object_or_404(Person, organization=organization, id=person_id)
    groups = directory.groups_of_person(shown)
    return render(
        request,
        "accounts/user_detail.html",
        {"organization": organization, "shown": shown, "groups": groups, "section": "accounts"},
    )


@organization_admin_required
def group_list(request, organization, person):
    return render(
        request,
        "accounts/group_list.html",
        {
            "organization": organization,
            "groups": directory.groups_with_member_counts(organization),
            "section": "accounts",
        },
    )


@organization_admin_required
def group_detail(request, organization, person, group_id):
    group = get_object_or_404(Group, organization=organization, id=group_id)
    page = ReversiblePaginator(directory.group_members(group), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/group_detail.html",
        {"organization": organization, "group": group, "page": page, "section": "accounts"},
    )
