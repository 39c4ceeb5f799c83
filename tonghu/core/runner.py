"""Start and supervise the web server (gunicorn) and the background job workers as child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def _worker_cmd() -> list[str]:
    return [sys.executable, "-m", "tonghu.cli", "db_worker", "--interval", "1", "--no-startup-delay"]


def default_web_workers() -> int:
    """One gunicorn process per CPU core (at least 2, so one can restart while the other serves)."""
    return max(2, os.cpu_count() or 1)


def _web_cmd(host: str, port: int, workers: int, timeout: int = 120, threads: int = 1) -> list[str]:
    # threads > 1: gunicorn's gthread worker, so a 190 ms PBKDF2 login never holds a whole process while other
    # pages wait (docs/decisions/0006-gthread-workers.md); threads == 1: the classic sync worker.
    model = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else ["--worker-class", "sync"]
    return [
        sys.executable, "-m", "gunicorn", "tonghu.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), *model, "--timeout", str(timeout),
        "--access-logfile", "-", "--forwarded-allow-ips", os.environ.get("TONGHU_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def _answers(host: str, port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1" if host in ("0.0.0.0", "::") else host, port), timeout=0.5):
            return True
    except OSError:
        return False


def supervise(*, host: str, port: int, web_workers: int, job_workers: int, web_threads: int | None = None, out=sys.stdout,
              on_ready=None) -> int:
    """Run until interrupted or until a child exits; then stop the others. Returns an exit code.

    ``web_threads`` defaults to the WEB_THREADS setting (TONGHU_WEB_THREADS). ``on_ready()`` is called once, when the
    web server first accepts a connection (``tonghu demo`` prints the accounts then, so that they come after the
    server's start-up lines)."""
    if web_threads is None:
        from django.conf import settings

        web_threads = settings.WEB_THREADS
    procs: list[subprocess.Popen] = []
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "tonghu.settings")
    try:
        procs.append(subprocess.Popen(_web_cmd(host, port, web_workers, threads=web_threads), env=env))
        for _ in range(job_workers):
            procs.append(subprocess.Popen(_worker_cmd(), env=env))
        stop = {"flag": False}

        def _stop(signum, frame):
            stop["flag"] = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        while not stop["flag"]:
            if on_ready is not None and _answers(host, port):
                on_ready()
                on_ready = None
            for p in procs:
                if p.poll() is not None:
                    out.write(f"process {p.args[2:4]} exited with {p.returncode}; stopping tonghu\n")
                    return p.returncode or 1
            time.sleep(0.5)
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        deadline = time.time() + 10
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.kill()
