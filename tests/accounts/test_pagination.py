import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from accounts.models import Person
from accounts.pagination import ReversiblePaginator
from tests.factories import make_person


@pytest.fixture
def people(organization):
    for number in range(23):
        make_person(organization, user_name=f"Person{number:02}@example.com")
    return Person.objects.filter(organization=organization).order_by(Lower("user_name"))


@pytest.mark.django_db
@pytest.mark.parametrize("orphans", [0, 2])
def test_reversible_paginator_pages_match_paginator(people, orphans):
    expected = Paginator(people, 5, orphans=orphans)
    reversible = ReversiblePaginator(people, 5, orphans=orphans)

    assert reversible.num_pages == expected.num_pages
    for number in expected.page_range:
        assert list(reversible.page(number)) == list(expected.page(number)), number


@pytest.mark.django_db
def test_reversible_paginator_reads_last_page_backwards(people):
    paginator = ReversiblePaginator(people, 5)
    paginator.count  # noqa: B018 (the count query is not part of the page)

    with CaptureQueriesContext(connection) as first:
        list(paginator.page(1))
    with CaptureQueriesContext(connection) as last:
        list(paginator.page(paginator.num_pages))

    assert "DESC" not in first.captured_queries[0]["sql"]
    assert "DESC" in last.captured_queries[0]["sql"]
    assert "OFFSET" not in last.captured_queries[0]["sql"]
