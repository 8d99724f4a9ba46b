"""The work of scripts/bench-http: see there. Usage: bench_http.py LSHUB DATA_DIR"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
NGINX_PORT = 18182
# Two hubs on the same database: as deployed, and with the public cache off.
HUBS = {"cached": 18181, "uncached": 18183}
# Every wrk connection comes from 127.0.0.1, which the search rate limit (per client
# address, 120 a minute by default) would answer with 429; the run raises it and says so.
SEARCH_RATE_LIMIT = "1000000000"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def fetch(url: str) -> tuple[bytes, str]:
    """The body and type of a 200 answer; anything else (a redirect too) ends the run."""
    with OPENER.open(url) as response:
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
        return response.read(), response.headers.get("content-type", "application/octet-stream")


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"{url} did not start:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url).read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def wrk(url: str, seconds: int, script: Path | None = None) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    def latency(percentile: str) -> float:
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    # wrk counts answers outside 2xx and 3xx; that every endpoint answers 200, not a
    # redirect, is checked before (see fetch).
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket.groups())) if socket else 0)
    requests = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        "rps": float(requests.group(1)) if requests else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": errors,
    }


def main(lshub: str, data: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="lshub-bench-"))
    os.chmod(work, 0o755)  # nginx's workers read the files as another user
    processes: list[subprocess.Popen] = []
    try:
        env = dict(os.environ)
        env.setdefault("LSHUB_DATABASE_URL", f"sqlite://{work}/hub.db")
        # Access lines are off: the figure is the hub's, not the terminal's.
        env["LSHUB_LOG"] = os.environ.get("BENCH_LSHUB_LOG", "warn")
        for kind, file in [("ror", "ror_nl_be.jsonl.gz"), ("eu-calls", "eu_calls_open.jsonl.gz")]:
            subprocess.run([lshub, "import", kind, f"{data}/{file}"], env=env, check=True, capture_output=True)
        env["LSHUB_SEARCH_RATE_LIMIT"] = SEARCH_RATE_LIMIT
        # One public address for both, so that their pages (JSON-LD, feeds) are the same bytes.
        env["LSHUB_PUBLIC_URL"] = f"http://127.0.0.1:{HUBS['cached']}"
        hubs = {}
        for name, port in HUBS.items():
            hub_env = dict(env, LSHUB_PUBLIC_CACHE_MB="0" if name == "uncached" else os.environ.get("LSHUB_PUBLIC_CACHE_MB", "64"))
            log = work / f"hub-{name}.log"
            hub = subprocess.Popen(
                [lshub, "serve", "--addr", f"127.0.0.1:{port}"], env=hub_env, stderr=log.open("w"), stdout=subprocess.DEVNULL
            )
            processes.append(hub)
            wait_for(f"http://127.0.0.1:{port}/healthz", hub, log)
            hubs[name] = (hub, f"http://127.0.0.1:{port}")
        base = hubs["uncached"][1]

        organisation = json.loads(fetch(f"{base}/api/v1/organisations?q=sanquin&limit=1")[0])["items"][0]["slug"]
        call = json.loads(fetch(f"{base}/api/v1/calls?status=open&limit=1")[0])["items"][0]["topicId"]
        endpoints = [
            ("home", "/"),
            ("directory, filtered", "/organisations?kind=healthcare&country=NL"),
            ("organisation page", f"/organisations/{organisation}"),
            ("calls list", "/calls"),
            ("call page", "/calls/" + urllib.request.quote(call, safe="")),
            ("search", "/search?q=kanker+onderzoek"),
            ("API organisations", "/api/v1/organisations"),
            ("API calls", "/api/v1/calls"),
        ]

        # The ceiling: nginx serving the very bytes the hub answered, one file per endpoint.
        root = work / "static"
        root.mkdir()
        locations = []
        for i, (name, path) in enumerate(endpoints):
            body, content_type = fetch(base + path)
            fetch(hubs["cached"][1] + path)  # fills the cache
            if fetch(hubs["cached"][1] + path)[0] != body:
                raise SystemExit(f"{name}: the cached hub answered other bytes than the uncached one")
            (root / f"e{i}").write_bytes(body)
            locations.append(f"location = /e{i} {{ default_type \"{content_type}\"; }}")
        for f in [root, *root.iterdir()]:
            os.chmod(f, 0o755 if f.is_dir() else 0o644)
        (work / "nginx.conf").write_text(
            f"""worker_processes {THREADS};
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000000;
    types {{ }}
    server {{
        listen 127.0.0.1:{NGINX_PORT};
        root {root};
        {' '.join(locations)}
    }}
}}
"""
        )
        nginx_log = work / "nginx.out"
        nginx = subprocess.Popen(
            [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
            stdout=nginx_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(nginx)
        wait_for(f"http://127.0.0.1:{NGINX_PORT}/e0", nginx, nginx_log)

        print(f"{CONNECTIONS} connections, {THREADS} wrk threads, {SECONDS} s per endpoint, loopback")
        print(f"search rate limit raised to {SEARCH_RATE_LIMIT} a minute (LSHUB_SEARCH_RATE_LIMIT) for this run;"
              " errors count every answer other than 2xx/3xx and every socket error")
        print(f"{'':<22}{'--- hub, public cache on ---':>39}{'--- hub, public cache off ---':>39}{'--- nginx ---':>20}")
        columns = f"{'req/s':>9}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}"
        print(f"{'endpoint':<22}{columns}{columns}{'req/s':>10}{'p99 ms':>10}{'bytes':>9}")
        for i, (name, path) in enumerate(endpoints):
            ceiling = wrk(f"http://127.0.0.1:{NGINX_PORT}/e{i}", SECONDS)
            row = f"{name:<22}"
            for hub_name in HUBS:
                ours = wrk(hubs[hub_name][1] + path, SECONDS)
                row += (f"{ours['rps']:>9.0f}{ours['rps'] / ceiling['rps']:>7.0%}{ours['p50']:>8.2f}{ours['p99']:>8.2f}"
                        f"{ours['errors']:>7}")
            size = (root / f"e{i}").stat().st_size
            print(f"{row}{ceiling['rps']:>10.0f}{ceiling['p99']:>10.2f}{size:>9}"
                  + (f"  (nginx errors: {ceiling['errors']})" if ceiling["errors"] else ""), flush=True)

        # Memory: every endpoint in turn for the soak time, the hub's RSS sampled each 5 s.
        script = work / "mix.lua"
        paths = ", ".join(json.dumps(path) for _, path in endpoints)
        script.write_text(
            f"local paths = {{ {paths} }}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend\n"
        )
        for hub_name, (hub, hub_base) in hubs.items():
            samples = []
            soak = subprocess.Popen(
                ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SOAK_SECONDS}s", "--latency", "-s", str(script), hub_base + "/"],
                stdout=subprocess.PIPE,
                text=True,
            )
            while soak.poll() is None:
                samples.append(rss_kib(hub.pid))
                time.sleep(5)
            out = soak.stdout.read() if soak.stdout else ""
            mixed = re.search(r"Requests/sec:\s+([\d.]+)", out)
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            print(
                f"\nmixed run, public cache {'on' if hub_name == 'cached' else 'off'}, {SOAK_SECONDS} s: "
                f"{float(mixed.group(1)) if mixed else 0:.0f} req/s, {int(errors.group(1)) if errors else 0} non-2xx"
            )
            print("hub RSS every 5 s (MiB): " + " ".join(f"{s / 1024:.1f}" for s in samples))
            if len(samples) > 3:
                print(f"growth after the first 10 s: {(samples[-1] - samples[2]) / 1024:+.1f} MiB")
            print(f"hub peak RSS (VmHWM): {rss_kib(hub.pid, 'VmHWM') / 1024:.1f} MiB")
        metrics = fetch(hubs["cached"][1] + "/metrics")[0].decode()
        print("\ncached hub: " + ", ".join(line.removeprefix("lshub_public_cache_") for line in metrics.splitlines()
                                           if line.startswith("lshub_public_cache_")))
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
