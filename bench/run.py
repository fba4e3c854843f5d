"""Benchmark SCIM provisioning and Accounts and Groups as the directory grows.

Serves the product as in production (gunicorn, PostgreSQL, DEBUG off) on 127.0.0.1
beside two peers: scim2-server (in memory) and a floor (bench/floor.py). Drives
them over loopback with a bounded asyncio/httpx load, prints one table and, with
--write-docs, writes docs/benchmarks.md and its chart.

    .venv/bin/python -m bench.run                  # 1,000, 10,000 and 100,000 people
    .venv/bin/python -m bench.run --smoke          # 1,000 people, a few seconds per workload
"""

import argparse
import asyncio
import os
import platform
import secrets
import shutil
import socket
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/identity_bench"


@dataclass
class Limits:
    requests: int
    seconds: float
    concurrency: int


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="Comma-separated directory sizes.")
    parser.add_argument("--requests", type=int, default=1000, help="Maximum requests per workload and server.")
    parser.add_argument("--seconds", type=float, default=30, help="Maximum seconds per workload and server.")
    parser.add_argument("--concurrency", default="1,8",
                        help="Comma-separated numbers of concurrent clients; each workload runs at each "
                             "(the import workloads always run with one).")
    parser.add_argument(
        "--workers", type=int, default=2,
        help="gunicorn workers for the product and the floor; 2, one per core of the machine of docs/benchmarks.md.",
    )
    parser.add_argument("--no-peers", action="store_true", help="Benchmark the product alone.")
    parser.add_argument("--smoke", action="store_true", help="1,000 people, 50 requests, 3 s per workload.")
    parser.add_argument("--write-docs", action="store_true", help="Write docs/benchmarks.md and its chart.")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help="PostgreSQL database to create afresh for the run (it is dropped first).")
    arguments = parser.parse_args(argv)
    if arguments.smoke:
        arguments.sizes, arguments.requests, arguments.seconds = "1000", 50, 3
    arguments.sizes = [int(size) for size in arguments.sizes.split(",")]
    arguments.concurrency = sorted({int(level) for level in arguments.concurrency.split(",")})
    return arguments


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recreate_database(database_url):
    name = database_url.rsplit("/", 1)[1]
    maintenance_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def main(argv=None):
    arguments = parse_arguments(argv)
    recreate_database(arguments.database_url)
    product_port = free_port()
    environment = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": arguments.database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{product_port}",
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "LOG_LEVEL": "WARNING",
        # The benchmark measures the fastest documented configuration. The README
        # lists what turning these on requires of a deployment.
        "DATABASE_PREPARED_STATEMENTS": "true",
        "PROVISIONING_ACTIVITY_BATCH_MS": "50",
    }
    os.environ.update(environment)
    sys.path.insert(0, str(PROJECT_DIR))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from bench.report import print_table, write_docs
    from bench.seed import bench_organization, grow_directory
    from bench.servers import Server
    from bench.workloads import SCIM_WORKLOADS, SEQUENTIAL_WORKLOADS, WORKLOADS, Target
    from security.bearer_tokens import issue_bearer_token
    from security.connections import enable_with_bearer_token

    organization = bench_organization()
    enable_with_bearer_token(organization)
    _, token = issue_bearer_token(organization)
    log_dir = Path(tempfile.mkdtemp(prefix="identity-bench-"))
    binaries = Path(sys.executable).parent
    peer_token = secrets.token_urlsafe(24)
    results = {}

    peer = None
    if not arguments.no_peers:
        peer_port = free_port()
        peer = Server(
            "scim2-server",
            [str(binaries / "scim2-server"), "--hostname", "127.0.0.1", "--port", str(peer_port),
             "--bearer-token", peer_token],
            port=peer_port, environment={}, ready_path="/v2/ServiceProviderConfig", log_dir=log_dir,
        ).start()
    peer_target = Target("scim2-server", peer, scim_path="/v2", token=peer_token, workloads=SCIM_WORKLOADS)

    try:
        for size in arguments.sizes:
            print(f"Seeding {size:,} people…", flush=True)
            person_ids = grow_directory(organization, size)
            gunicorn = [str(binaries / "gunicorn"), "--workers", str(arguments.workers), "--log-level", "warning"]
            product = Server(
                f"product-{size}", [*gunicorn, "--bind", f"127.0.0.1:{product_port}", "uipath_identity.wsgi"],
                port=product_port, environment=environment, ready_path="/", log_dir=log_dir,
            ).start()
            floor_port = free_port()
            floor = Server(
                f"floor-{size}", [*gunicorn, "--bind", f"127.0.0.1:{floor_port}", "bench.floor:application"],
                port=floor_port,
                environment={"FLOOR_DATABASE_DSN": arguments.database_url,
                             "FLOOR_ORGANIZATION_ID": str(organization.id)},
                ready_path="/Users", log_dir=log_dir,
            ).start()
            ours = Target("product", product, scim_path=f"/{organization.id}/identity_/api/scim/v2", token=token,
                          workloads=list(WORKLOADS))
            ours.person_ids = person_ids
            floor_target = Target("floor", floor, scim_path="", workloads=["lookup by userName"])
            targets = [ours, floor_target]
            if peer is not None:
                print(f"Seeding scim2-server to {size:,} people…", flush=True)
                peer_target.person_ids += asyncio.run(seed_peer(peer_target, len(peer_target.person_ids), size))
                targets.append(peer_target)
            try:
                for target in targets:
                    asyncio.run(warm_up(target, arguments.workers))
                    for name in target.workloads:
                        levels = [1] if name in SEQUENTIAL_WORKLOADS else arguments.concurrency
                        for clients in levels:
                            print(f"  {size:>7,}  {target.name:<13} {name}, {clients} client(s)", flush=True)
                            limits = Limits(arguments.requests, arguments.seconds, clients)
                            result = asyncio.run(run_workload(WORKLOADS[name], target, limits, size))
                            results[(size, name, target.name, clients)] = result
                    results[(size, "peak RSS", target.name)] = target.server.peak_worker_rss_mb()
            finally:
                product.stop()
                floor.stop()
    finally:
        if peer is not None:
            peer.stop()

    print_table(results, arguments.sizes)
    if arguments.write_docs:
        write_docs(results, arguments, PROJECT_DIR / "docs")
    shutil.rmtree(log_dir, ignore_errors=True)
    unexpected = [line for result in results.values() if hasattr(result, "unexpected") for line in result.unexpected]
    if unexpected:
        print("Unexpected responses (first few):", *unexpected[:10], sep="\n  ")
        return 1
    return 0


async def warm_up(target, workers):
    """Send each server a few list pages and lookups before it is measured.

    A fresh gunicorn worker spends a few hundred milliseconds on its first request
    (imports, URL patterns, its database connection), which would otherwise land in
    the import walk of a small directory.
    """
    async with httpx.AsyncClient(timeout=60) as client:
        for number in range(4 * workers):
            await client.get(f"{target.scim_url}/Users", params={"filter": f'userName eq "person{number}@bench.example"'},
                             headers=target.headers())
            if target.name != "floor":
                await client.get(f"{target.scim_url}/Users", params={"startIndex": 1, "count": 100},
                                 headers=target.headers())


async def run_workload(workload, target, limits, size):
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=limits.concurrency)) as client:
        return await workload(client, target, limits, size)


async def seed_peer(target, start, size):
    """POST people start..size-1 to scim2-server and return their ids in order."""
    from bench.seed import scim_user_body

    ids = [None] * (size - start)
    # scim2-server's wsgiref server has a small listen backlog and resets connections
    # beyond a few at once, so seeding stays at four and retries a reset.
    semaphore = asyncio.Semaphore(4)
    async with httpx.AsyncClient(timeout=60) as client:

        async def create(number):
            async with semaphore:
                for attempt in range(3):
                    try:
                        response = await client.post(f"{target.scim_url}/Users", json=scim_user_body(number),
                                                     headers=target.headers())
                        break
                    except httpx.TransportError:
                        if attempt == 2:
                            raise
                response.raise_for_status()
                ids[number - start] = response.json()["id"]

        await asyncio.gather(*(create(number) for number in range(start, size)))
    return ids


def machine_description():
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return f"{os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB memory, {platform.platform()}"


if __name__ == "__main__":
    sys.exit(main())
