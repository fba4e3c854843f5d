"""Two concurrent creates of one user name: the database's unique constraint decides."""

from accounts.models import Person
from tests.scim.conftest import run_together, scim_base_path
from tests.scim.helpers import okta_user


def test_concurrent_creates_give_one_201_and_one_409(organization_with_token):
    organization, raw_token = organization_with_token
    base = scim_base_path(organization)

    statuses = run_together(
        raw_token,
        [
            ("post", base + "/Users", okta_user("race@example.com", external_id="first")),
            ("post", base + "/Users", okta_user("RACE@example.com", external_id="second")),
        ],
    )

    assert statuses == [201, 409]
    assert Person.objects.filter(organization=organization).count() == 1
