"""A bounded asyncio load driver on httpx, and the figures it reports."""

import asyncio
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Sample:
    seconds: float
    status: int
    queries: int | None


@dataclass
class Result:
    """Figures of one workload against one server."""

    samples: list = field(default_factory=list)
    elapsed: float = 0.0
    unexpected: list = field(default_factory=list)

    @property
    def requests(self):
        return len(self.samples)

    @property
    def requests_per_second(self):
        return self.requests / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, percent):
        latencies = sorted(sample.seconds for sample in self.samples)
        if not latencies:
            return float("nan")
        if len(latencies) == 1:
            return latencies[0] * 1000
        return statistics.quantiles(latencies, n=100, method="inclusive")[percent - 1] * 1000

    @property
    def min_queries(self):
        counts = [sample.queries for sample in self.samples if sample.queries is not None]
        return min(counts) if counts else None

    @property
    def queries_per_request(self):
        """Return the distinct SQL query counts seen, e.g. "4" or "4-5"; "n/a" without the header."""
        counts = sorted({sample.queries for sample in self.samples if sample.queries is not None})
        if not counts:
            return "n/a"
        return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


async def timed(client, result, method, url, *, expected=(200,), **kwargs):
    """Send one request, record its latency and query count, and return the response."""
    started = time.perf_counter()
    response = await client.request(method, url, **kwargs)
    seconds = time.perf_counter() - started
    header = response.headers.get("X-Query-Count")
    result.samples.append(Sample(seconds, response.status_code, int(header) if header else None))
    if response.status_code not in expected and len(result.unexpected) < 5:
        first_line = " ".join(response.text.split())[:200]
        result.unexpected.append(f"{method} {url} -> {response.status_code}: {first_line}")
    return response


async def run_bounded(step, *, max_steps, max_seconds, concurrency):
    """Run `step(index, result)` from `concurrency` tasks until max_steps or max_seconds.

    Returns the Result; its elapsed time runs from the first step to the last.
    """
    result = Result()
    next_index = 0
    deadline = time.perf_counter() + max_seconds

    async def worker():
        nonlocal next_index
        while next_index < max_steps and time.perf_counter() < deadline:
            index = next_index
            next_index += 1
            await step(index, result)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result
