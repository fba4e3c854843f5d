"""The independent checker scim2-tester, through the scim2 command line, against a live server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from security.bearer_tokens import issue_bearer_token
from security.connections import enable_with_bearer_token
from tests.factories import make_group, make_organization, make_person

SCIM2_COMMAND = Path(sys.executable).parent / "scim2"


@pytest.mark.django_db(transaction=True)
def test_scim2_tester_every_check_succeeds(live_server):
    organization = make_organization()
    make_group(organization, name="Directory group", members=[make_person(organization)])
    enable_with_bearer_token(organization)
    _, raw_token = issue_bearer_token(organization)
    assert live_server.url.startswith("http://127.0.0.1:")

    result = subprocess.run(
        [str(SCIM2_COMMAND), "--url", f"{live_server.url}/{organization.id}/identity_/api/scim/v2", "test"],
        env={**os.environ, "SCIM_CLI_HEADERS": f"Authorization: Bearer {raw_token}"},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    # Both resource types were discovered and checked, Group memberships included.
    assert "Resource types available are: 'User', 'Group'" in result.stdout
    assert "Successfully deleted Group object" in result.stdout
    for operation in ("added", "replaced", "removed"):
        assert f"Successfully {operation} attribute 'members'" in result.stdout
