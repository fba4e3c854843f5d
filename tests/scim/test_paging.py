import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Person
from scim.paging import page_and_total
from tests.factories import make_organization


def ordered_people(organization, how_many):
    Person.objects.bulk_create(
        [Person(organization=organization, user_name=f"page{number:03}@example.com") for number in range(how_many)]
    )
    return Person.objects.filter(organization=organization).order_by("created_at", "id")


@pytest.mark.django_db
@pytest.mark.parametrize(("start_index", "count"), [(1, 7), (8, 7), (29, 7), (36, 7), (40, 10), (2, 39), (3, 0)])
def test_page_and_total_matches_slices(start_index, count):
    people = ordered_people(make_organization(), 40)
    everyone = list(people)

    page, total = page_and_total(people, start_index, count)

    assert total == 40
    assert page == everyone[start_index - 1 : start_index - 1 + count]


@pytest.mark.django_db(transaction=True)
def test_page_and_total_far_page_snapshot():
    people = ordered_people(make_organization(), 40)

    with CaptureQueriesContext(connection) as context:
        page, total = page_and_total(people, 36, 10)

    statements = [query["sql"] for query in context.captured_queries]
    assert total == 40
    assert [person.user_name for person in page] == [f"page{number:03}@example.com" for number in range(35, 40)]
    if connection.vendor == "postgresql":
        assert statements[:2] == ["BEGIN", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"]
    (page_query,) = [statement for statement in statements if "LIMIT" in statement]
    assert "DESC" in page_query
