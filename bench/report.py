"""The benchmark's table, targets, docs page and chart."""

import platform
import subprocess
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

SERVERS = ["product", "floor", "scim2-server"]


def client_levels(results):
    """Return the numbers of concurrent clients this run measured, smallest first."""
    return sorted({key[3] for key in results if len(key) == 4})


def rows(results, sizes):
    """Yield one row per (size, workload, clients, server) with the figures and the ratio to the product."""
    from bench.workloads import WORKLOADS

    for size in sizes:
        for workload in WORKLOADS:
            for clients in client_levels(results):
                ours = results.get((size, workload, "product", clients))
                for server in SERVERS:
                    result = results.get((size, workload, server, clients))
                    if result is None or not result.samples:
                        continue
                    ratio = ""
                    if ours is not None and ours.samples and server != "product":
                        ratio = f"{result.percentile_ms(50) / ours.percentile_ms(50):.2f}"
                    yield {
                        "size": f"{size:,}",
                        "workload": workload,
                        "clients": str(clients),
                        "server": server,
                        "requests": str(result.requests),
                        "req/s": f"{result.requests_per_second:.0f}",
                        "p50 ms": f"{result.percentile_ms(50):.1f}",
                        "p95 ms": f"{result.percentile_ms(95):.1f}",
                        "queries/request": result.queries_per_request,
                        "p50 vs product": ratio,
                    }


def memory_rows(results, sizes):
    for size in sizes:
        for server in SERVERS:
            peak = results.get((size, "peak RSS", server))
            if peak is not None:
                yield {"size": f"{size:,}", "server": server, "peak RSS per worker (MB)": f"{peak:.0f}"}


def format_table(table_rows, markdown=False):
    table_rows = list(table_rows)
    if not table_rows:
        return ""
    columns = list(table_rows[0])
    if markdown:
        lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
        lines += ["| " + " | ".join(row[column] for column in columns) + " |" for row in table_rows]
        return "\n".join(lines)
    widths = {column: max(len(column), *(len(row[column]) for row in table_rows)) for column in columns}
    lines = ["  ".join(column.ljust(widths[column]) for column in columns)]
    lines += ["  ".join(row[column].ljust(widths[column]) for column in columns) for row in table_rows]
    return "\n".join(lines)


def print_table(results, sizes):
    print()
    print(format_table(rows(results, sizes)))
    print()
    print(format_table(memory_rows(results, sizes)))
    print()
    for line in target_lines(results, sizes):
        print(line)


def target_lines(results, sizes):
    """Return one line per published target, saying whether this run met it.

    Latency targets compare p50 with one client, where no request waits behind
    another. The throughput line compares req/s at the largest number of clients.
    """
    from bench.workloads import SCIM_WORKLOADS, WORKLOADS

    largest = max(sizes)
    levels = client_levels(results)
    if not levels:
        return []
    single, busiest = levels[0], levels[-1]
    lines = []

    def measured(workload, server, clients, size=largest):
        result = results.get((size, workload, server, clients))
        if result is None or not result.samples:
            result = results.get((size, workload, server, 1))
        return result if result is not None and result.samples else None

    def p50(workload, server, size=largest):
        result = measured(workload, server, single, size)
        return result.percentile_ms(50) if result else None

    # A request runs two more queries when it records a credential's last use (at most
    # once a minute), and a PATCH that changes nothing skips its UPDATE. The check
    # therefore compares the smallest count of each size: a cost that grew with the
    # directory would raise it.
    growing = []
    for workload in WORKLOADS:
        smallest_counts = [
            min((result.min_queries for key, result in results.items()
                 if key[:3] == (size, workload, "product") and result.min_queries is not None), default=None)
            for size in sorted(sizes)
        ]
        smallest_counts = {count for count in smallest_counts if count is not None}
        if len(smallest_counts) > 1:
            growing.append(workload)
    lines.append("Query count per request independent of size: "
                 + ("met" if not growing else "missed for " + ", ".join(growing)))

    first, last = p50("import: first page", "product"), p50("import: last page", "product")
    if first and last:
        lines.append(f"Import last page / first page at {largest:,}: {last / first:.2f}x (target at most 1.5x)")

    ours, floor = p50("lookup by userName", "product"), p50("lookup by userName", "floor")
    if ours and floor:
        lines.append(f"userName lookup p50 / floor p50 at {largest:,}, {single} client(s): {ours / floor:.2f}x "
                     "(target at most 1.5x)")

    if any(measured(workload, "scim2-server", single) for workload in SCIM_WORKLOADS):
        behind = []
        for workload in SCIM_WORKLOADS:
            ours, peer = p50(workload, "product"), p50(workload, "scim2-server")
            if ours and peer and ours >= peer:
                behind.append(f"{workload} ({ours:.1f} ms vs {peer:.1f} ms)")
        lines.append(f"Ahead of scim2-server at {largest:,} (p50, {single} client(s)): "
                     + ("every workload" if not behind else "behind on " + "; ".join(behind)))
        behind = []
        for workload in SCIM_WORKLOADS:
            ours, peer = measured(workload, "product", busiest), measured(workload, "scim2-server", busiest)
            if ours and peer and ours.requests_per_second <= peer.requests_per_second:
                behind.append(f"{workload} ({ours.requests_per_second:.0f} vs {peer.requests_per_second:.0f} req/s)")
        lines.append(f"Ahead of scim2-server at {largest:,} (req/s, {busiest} client(s)): "
                     + ("every workload" if not behind else "behind on " + "; ".join(behind)))

    peak = results.get((largest, "peak RSS", "product"))
    if peak is not None:
        lines.append(f"Peak RSS per product worker at {largest:,}: {peak:.0f} MB (target below 150 MB)")
    return lines


def postgres_version():
    try:
        return subprocess.run(["psql", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_chart(results, sizes, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bench.workloads import WORKLOADS

    figure, axes = plt.subplots(figsize=(9, 5.5))
    # Eleven workloads: twenty distinct colours, and dashed lines for the Users tab.
    axes.set_prop_cycle(color=plt.get_cmap("tab20").colors[: len(WORKLOADS)])
    for workload in WORKLOADS:
        points = [(size, results[(size, workload, "product", 1)].percentile_ms(50))
                  for size in sizes if (size, workload, "product", 1) in results]
        if points:
            style = "--" if workload.startswith("Users tab") else "-"
            axes.plot([size for size, _ in points], [value for _, value in points], style, marker="o", label=workload)
    axes.set_xscale("log")
    axes.set_xlabel("people in the organization")
    axes.set_ylabel("p50 latency (ms)")
    axes.set_title("Product p50 latency by directory size, one client")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_docs(results, arguments, docs_dir):
    from bench.run import machine_description

    chart = docs_dir / "benchmarks-p50.png"
    write_chart(results, arguments.sizes, chart)
    notes_file = Path(__file__).with_name("NOTES.md")
    notes = notes_file.read_text() if notes_file.exists() else ""
    versions = ", ".join(
        f"{package} {version(package)}" for package in ["Django", "psycopg", "gunicorn", "httpx", "scim2-server"]
    )
    command = "bin/bench " + " ".join(
        [f"--sizes {','.join(str(size) for size in arguments.sizes)}",
         f"--requests {arguments.requests}", f"--seconds {arguments.seconds:g}",
         f"--concurrency {','.join(str(level) for level in arguments.concurrency)}", f"--workers {arguments.workers}", "--write-docs"]
    )
    page = f"""# Benchmarks

Written by `{command}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Rerun that
command to reproduce the tables and the chart; `bin/bench --help` lists the options.

- Machine: {machine_description()}; load generator, servers and PostgreSQL share it.
- Versions: Python {platform.python_version()}, {versions}, {postgres_version()}.
- Product: gunicorn with {arguments.workers} sync workers, PostgreSQL with
  DATABASE_PREPARED_STATEMENTS=true and PROVISIONING_ACTIVITY_BATCH_MS=50 (both off by
  default), DEBUG off, a SCIM bearer token. Its query counts come from the
  X-Query-Count header that bench/settings.py adds, and they cover the work before
  the response. Each worker also writes the provisioning activity rows of its SCIM
  requests, one COPY per batch of 50 ms.
- scim2-server: the reference SCIM server of the python-scim project, in memory, run by its
  own `scim2-server` command (a threaded WSGI server in one process).
- Floor: bench/floor.py, a bare WSGI app under the same gunicorn that answers the userName
  lookup with one indexed query and fixed JSON: what a lookup costs without the framework.
- Load: an asyncio/httpx client on loopback. Each workload runs with
  {" and with ".join(str(level) for level in arguments.concurrency)} concurrent client(s), except the
  imports, which walk one page at a time as Okta does. Each run is bounded to {arguments.requests}
  requests and {arguments.seconds:g} s. With one client, p50 is the cost of a request; with more
  clients than cores, latency includes the time a request waits for a free worker, so req/s is
  the figure to compare there. Sizes grow in one database: each size adds people, and the
  push and deactivation workloads of a smaller size leave their changes behind.

## Results

{format_table(rows(results, arguments.sizes), markdown=True)}

## Memory

{format_table(memory_rows(results, arguments.sizes), markdown=True)}

## Targets

{chr(10).join("- " + line for line in target_lines(results, arguments.sizes))}

![p50 latency by directory size]({chart.name})

{notes}"""
    (docs_dir / "benchmarks.md").write_text(page)
    print(f"Wrote {docs_dir / 'benchmarks.md'} and {chart}.")
