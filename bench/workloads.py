"""The benchmark workloads: what Okta and an administrator send, as async steps."""

import random
import re

from bench.load import run_bounded, timed
from bench.seed import BENCH_PASSWORD, scim_user_body

SCIM_HEADERS = {
    "Accept": "application/scim+json",
    "Content-Type": "application/scim+json; charset=utf-8",
    "User-Agent": "Okta SCIM Client 1.0.0",
}
IMPORT_PAGE_SIZE = 100


class Target:
    """One server under test: where its SCIM base is and which person ids it holds."""

    def __init__(self, name, server, *, scim_path, token=None, workloads):
        self.name = name
        self.server = server
        self.scim_path = scim_path
        self.token = token
        self.workloads = workloads
        self.person_ids = []

    @property
    def scim_url(self):
        return self.server.base_url + self.scim_path

    def headers(self):
        headers = dict(SCIM_HEADERS)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


async def import_walk(client, target, limits, size):
    """Okta's import: pages of 100 from startIndex 1 until totalResults, one at a time."""
    pages = -(-size // IMPORT_PAGE_SIZE)

    async def step(index, result):
        await timed(client, result, "GET", f"{target.scim_url}/Users",
                    params={"startIndex": 1 + index * IMPORT_PAGE_SIZE, "count": IMPORT_PAGE_SIZE},
                    headers=target.headers())

    return await run_bounded(step, max_steps=min(pages, limits.requests), max_seconds=limits.seconds, concurrency=1)


def import_page(position):
    async def workload(client, target, limits, size):
        start = 1 if position == "first" else max(1, size - IMPORT_PAGE_SIZE + 1)

        async def step(index, result):
            await timed(client, result, "GET", f"{target.scim_url}/Users",
                        params={"startIndex": start, "count": IMPORT_PAGE_SIZE}, headers=target.headers())

        return await run_bounded(step, max_steps=min(50, limits.requests), max_seconds=limits.seconds, concurrency=1)

    return workload


async def push_new_users(client, target, limits, size):
    """Okta's Push New Users: a userName lookup that matches nothing, then POST."""

    async def step(index, result):
        body = scim_user_body(index, suffix=f"-new-{size}-{target.name}-{limits.concurrency}")
        await timed(client, result, "GET", f"{target.scim_url}/Users",
                    params={"filter": f'userName eq "{body["userName"]}"', "startIndex": 1, "count": 100},
                    headers=target.headers())
        await timed(client, result, "POST", f"{target.scim_url}/Users", json=body, headers=target.headers(),
                    expected=(201,))

    return await run_bounded(step, max_steps=limits.requests // 2, max_seconds=limits.seconds,
                             concurrency=limits.concurrency)


def lookup(attribute):
    async def workload(client, target, limits, size):
        chooser = random.Random(size)

        async def step(index, result):
            number = chooser.randrange(size)
            value = f"person{number}@bench.example" if attribute == "userName" else f"00u{number:012d}"
            await timed(client, result, "GET", f"{target.scim_url}/Users",
                        params={"filter": f'{attribute} eq "{value}"'}, headers=target.headers())

        return await run_bounded(step, max_steps=limits.requests, max_seconds=limits.seconds,
                                 concurrency=limits.concurrency)

    return workload


async def put_updates(client, target, limits, size):
    """Okta's Push Profile Updates: a full PUT of an existing person."""
    chooser = random.Random(size + 1)

    async def step(index, result):
        number = chooser.randrange(size)
        body = scim_user_body(number)
        body["title"] = f"Engineer {index}"
        await timed(client, result, "PUT", f"{target.scim_url}/Users/{target.person_ids[number]}", json=body,
                    headers=target.headers())

    return await run_bounded(step, max_steps=limits.requests, max_seconds=limits.seconds,
                             concurrency=limits.concurrency)


async def patch_deactivations(client, target, limits, size):
    """Okta's deactivation: a PATCH with one path-less replace of active."""
    chooser = random.Random(size + 2)
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False}}]}

    async def step(index, result):
        person_id = target.person_ids[chooser.randrange(size)]
        await timed(client, result, "PATCH", f"{target.scim_url}/Users/{person_id}", json=body,
                    headers=target.headers(), expected=(200, 204))

    return await run_bounded(step, max_steps=limits.requests, max_seconds=limits.seconds,
                             concurrency=limits.concurrency)


async def sign_in(client, base_url):
    login_url = f"{base_url}/bench/login/"
    page = await client.get(login_url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    response = await client.post(
        login_url,
        data={"csrfmiddlewaretoken": token, "username": "admin@bench.example", "password": BENCH_PASSWORD},
        headers={"Referer": login_url},
    )
    if response.status_code != 302:
        raise RuntimeError(f"Benchmark administrator sign-in failed with {response.status_code}.")


def users_tab(which):
    async def workload(client, target, limits, size):
        await sign_in(client, target.server.base_url)
        url = f"{target.server.base_url}/bench/admin/accounts/users/"
        params = {"first": {}, "search": {"q": "smith"}, "last": {"page": str(-(-(size + 1) // 50))}}[which]

        async def step(index, result):
            await timed(client, result, "GET", url, params=params)

        return await run_bounded(step, max_steps=min(200, limits.requests), max_seconds=limits.seconds,
                                 concurrency=limits.concurrency)

    return workload


WORKLOADS = {
    "import: whole directory": import_walk,
    "import: first page": import_page("first"),
    "import: last page": import_page("last"),
    "push new user: lookup + POST": push_new_users,
    "lookup by userName": lookup("userName"),
    "lookup by externalId": lookup("externalId"),
    "profile update: PUT": put_updates,
    "deactivation: PATCH": patch_deactivations,
    "Users tab: first page": users_tab("first"),
    "Users tab: search": users_tab("search"),
    "Users tab: last page": users_tab("last"),
}
SCIM_WORKLOADS = [name for name in WORKLOADS if not name.startswith("Users tab")]
# Okta walks an import one page at a time, so these always run with one client, whatever --concurrency is.
SEQUENTIAL_WORKLOADS = {"import: whole directory", "import: first page", "import: last page"}
