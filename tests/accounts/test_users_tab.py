import pytest
from django.urls import reverse

from accounts.models import Person
from accounts.views import PEOPLE_PER_PAGE
from tests.factories import make_organization, make_person


def users_url(organization):
    return reverse("accounts:users", args=[organization.name])


def shown_user_names(response):
    return [person.user_name for person in response.context["page"]]


@pytest.mark.django_db
def test_users_tab_lists_people_by_user_name(organization, administrator, admin_client):
    make_person(organization, user_name="zed@example.com")
    make_person(organization, user_name="Bea@example.com")
    make_person(make_organization(), user_name="other-org@example.com")

    response = admin_client.get(users_url(organization))

    assert response.status_code == 200
    assert shown_user_names(response) == sorted(
        ["zed@example.com", "Bea@example.com", administrator.user_name], key=str.lower
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("carol", ["carol@example.com"]),
        ("CAROL", ["carol@example.com"]),
        ("mailbox.test", ["dan@mailbox.test"]),
        ("Danforth", ["dan@mailbox.test"]),
        ("Bright", ["carol@example.com"]),
        ("nobody", []),
    ],
)
def test_users_tab_search(organization, admin_client, query, expected):
    make_person(organization, user_name="carol@example.com", email="c@example.com", display_name="Carol Bright")
    make_person(organization, user_name="dan@mailbox.test", email="dan@mailbox.test", last_name="Danforth")

    response = admin_client.get(users_url(organization), {"q": query})

    assert shown_user_names(response) == expected


@pytest.mark.django_db
def test_users_tab_filters_status_and_source(organization, admin_client):
    make_person(organization, user_name="on@example.com", source=Person.Source.DIRECTORY)
    make_person(organization, user_name="off@example.com", source=Person.Source.DIRECTORY, active=False)
    make_person(organization, user_name="local-off@example.com", active=False)

    inactive = admin_client.get(users_url(organization), {"status": "inactive"})
    directory_active = admin_client.get(users_url(organization), {"status": "active", "source": "directory"})

    assert shown_user_names(inactive) == ["local-off@example.com", "off@example.com"]
    assert shown_user_names(directory_active) == ["on@example.com"]


@pytest.mark.django_db
def test_users_tab_ignores_invalid_filter(organization, administrator, admin_client):
    response = admin_client.get(users_url(organization), {"status": "sleeping"})

    assert response.status_code == 200
    assert shown_user_names(response) == [administrator.user_name]


@pytest.mark.django_db
def test_users_tab_paginates(organization, admin_client):
    Person.objects.bulk_create(
        [Person(organization=organization, user_name=f"user{number:03d}@example.com") for number in range(120)]
    )

    first = admin_client.get(users_url(organization))
    last = admin_client.get(users_url(organization), {"page": "3"})

    assert first.context["page"].paginator.count == 121
    assert len(first.context["page"]) == PEOPLE_PER_PAGE
    assert shown_user_names(last)[-1] == "user119@example.com"
    assert len(last.context["page"]) == 121 - 2 * PEOPLE_PER_PAGE


@pytest.mark.django_db
@pytest.mark.parametrize("people", [5, 120])
def test_users_tab_query_count_fixed(organization, admin_client, django_assert_num_queries, people):
    Person.objects.bulk_create(
        [Person(organization=organization, user_name=f"user{number}@example.com") for number in range(people)]
    )

    # Session, auth user, organization, signed-in person, administrator check,
    # count, page of people.
    with django_assert_num_queries(7):
        response = admin_client.get(users_url(organization), {"q": "user", "status": "active", "page": "2"})

    assert response.status_code == 200


@pytest.mark.django_db
def test_person_page_shows_every_attribute(organization, admin_client):
    person = make_person(
        organization,
        user_name="erin@example.com",
        email="erin.work@example.com",
        first_name="Erin",
        last_name="Stone",
        display_name="Erin Stone",
        job_title="Engineer",
        city="Lisbon",
        department="Platform",
        company_name="Example Corp",
        external_id="00u99",
        source=Person.Source.DIRECTORY,
        active=False,
    )

    response = admin_client.get(reverse("accounts:user", args=[organization.name, person.id]))

    content = response.content.decode()
    for value in [
        "erin@example.com",
        "erin.work@example.com",
        "Erin",
        "Stone",
        "Engineer",
        "Lisbon",
        "Platform",
        "Example Corp",
        "00u99",
        "Directory",
        "Inactive",
        str(person.id),
    ]:
        assert value in content, value
