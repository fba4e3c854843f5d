"""Start, probe and stop the servers a benchmark run compares."""

import os
import subprocess
import time
from pathlib import Path

import httpx


class Server:
    """A server process on 127.0.0.1 whose workers' peak memory can be read."""

    def __init__(self, name, command, *, port, environment, ready_path, log_dir):
        self.name = name
        self.command = command
        self.port = port
        self.environment = environment
        self.ready_path = ready_path
        self.log_path = Path(log_dir) / f"{name}.log"
        self.process = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.command, env={**os.environ, **self.environment}, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                httpx.get(self.base_url + self.ready_path, timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not respond within {timeout} s; see {self.log_path}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self):
        """Return the pids that serve requests: gunicorn's workers, or the process itself."""
        children = []
        for status_file in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status_file.read_text()
            except OSError:
                continue
            fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid):
                children.append(int(status_file.parent.name))
        return children or [self.process.pid]

    def peak_worker_rss_mb(self):
        """Return the largest peak resident set size (VmHWM) among the workers, in MB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
            except OSError:
                continue
        return max(peaks) if peaks else float("nan")
