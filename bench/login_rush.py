"""Drive the login-rush benchmark (issue 10 item 19): start ``tonghu serve`` with a worker model, run the locust
scenario in bench/locustfile.py at each user level, stop the server, print one table row per level.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_ops_load TONGHU_DATA_DIR=/tmp/load \\
        python bench/login_rush.py --label "gthread 2x8" --duration 75 --users 50 150 -- --workers 2 --threads 8

Arguments after ``--`` go to ``tonghu serve``. The database must hold the demo county (``tonghu demo --no-serve``).
The server listens on 127.0.0.1 only; no job workers run during the measurement.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def wait_until_up(url: str, seconds: float = 180) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"tonghu serve did not answer at {url} within {seconds:.0f} s")


def run_level(url: str, users: int, spawn_rate: int, duration: int, out: Path) -> dict:
    prefix = out / f"u{users}"
    env = dict(os.environ, TONGHU_BENCH_PAGES_JSON=str(prefix) + "_pages.json")
    subprocess.run([sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "--host", url,
                    "-u", str(users), "-r", str(spawn_rate), "-t", f"{duration}s", "--csv", str(prefix),
                    "--only-summary", "--loglevel", "WARNING"], env=env, check=False)
    with open(str(prefix) + "_stats.csv") as fh:
        rows = {r["Name"]: r for r in csv.DictReader(fh)}
    total, login = rows["Aggregated"], rows.get("login", {})
    pages = json.loads(Path(str(prefix) + "_pages.json").read_text())
    load1 = os.getloadavg()[0]
    return {
        "users": users, "requests": int(total["Request Count"]), "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]), "p50": total["50%"], "p95": total["95%"], "p99": total["99%"],
        "pages_p50": pages["p50"], "pages_p95": pages["p95"], "pages_p99": pages["p99"],
        "login_p50": login.get("50%", "-"), "login_p95": login.get("95%", "-"), "logins": login.get("Request Count", "0"),
        "load1": round(load1, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", required=True)
    parser.add_argument("--port", type=int, default=18431)
    parser.add_argument("--users", type=int, nargs="+", default=[50, 150])
    parser.add_argument("--spawn-rate", type=int, default=10, help="users started per second (the rush)")
    parser.add_argument("--duration", type=int, default=75, help="seconds per level, ramp included")
    parser.add_argument("--out", type=Path, default=None, help="folder for locust's CSV files")
    parser.add_argument("serve_args", nargs="*", help="after --: arguments of tonghu serve")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="tonghu-rush-"))
    out.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([sys.executable, "-m", "tonghu.cli", "serve", "--host", "127.0.0.1", "--port", str(args.port),
                               "--job-workers", "0", *args.serve_args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        wait_until_up(url)
        results = [run_level(url, users, args.spawn_rate, args.duration, out) for users in args.users]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"# {args.label} (tonghu serve {' '.join(args.serve_args)}), {args.duration} s per level, spawn {args.spawn_rate}/s; CSV in {out}")
    print("| worker model | users | requests | failures | req/s | p50 ms | p95 ms | p99 ms | pages p50/p95/p99 ms | login p50/p95 ms | load avg (1 min) |")
    for r in results:
        print(f"| {args.label} | {r['users']} | {r['requests']} | {r['failures']} | {r['rps']:.1f} | {r['p50']} | {r['p95']} | {r['p99']} | "
              f"{r['pages_p50']}/{r['pages_p95']}/{r['pages_p99']} | {r['login_p50']}/{r['login_p95']} | {r['load1']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
