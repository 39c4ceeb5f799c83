"""``tonghu serve``'s worker model (issue 10 item 19): gunicorn's gthread worker by default, so a login's 190 ms of
PBKDF2 does not hold a whole process while the pages of everyone else queue (docs/decisions/0006-gthread-workers.md)."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command

from tonghu.core import runner


@pytest.fixture
def started(monkeypatch):
    """Run ``tonghu serve`` up to the point where it would start the processes; return what it would start."""
    seen = {}

    def fake_supervise(**kwargs):
        seen.update(kwargs)
        seen["argv"] = runner._web_cmd(kwargs["host"], kwargs["port"], kwargs["web_workers"], threads=kwargs["web_threads"])
        return 0

    monkeypatch.setattr("tonghu.core.management.commands.serve.supervise", fake_supervise)
    return seen


def _opt(argv, name):
    return argv[argv.index(name) + 1]


@pytest.mark.django_db
def test_serve_defaults_to_threaded_workers_one_process_per_core(started):
    with pytest.raises(SystemExit):
        call_command("serve", job_workers=0)
    argv = started["argv"]
    assert _opt(argv, "--worker-class") == "gthread"
    assert _opt(argv, "--threads") == "8"
    assert _opt(argv, "--workers") == str(max(2, os.cpu_count() or 1))


@pytest.mark.django_db
def test_worker_model_follows_the_settings_and_the_options(started, settings):
    settings.WEB_THREADS = 4
    settings.WEB_WORKERS = 3
    with pytest.raises(SystemExit):
        call_command("serve", job_workers=0)
    assert (_opt(started["argv"], "--workers"), _opt(started["argv"], "--threads")) == ("3", "4")
    # --threads 1 is the classic sync worker (what the benchmark's "before" runs)
    with pytest.raises(SystemExit):
        call_command("serve", job_workers=0, threads=1, workers=5)
    assert _opt(started["argv"], "--worker-class") == "sync" and "--threads" not in started["argv"]
    assert _opt(started["argv"], "--workers") == "5"
