"""Login rush against ``tonghu serve`` (issue 10 item 19): demo users of several roles log in with the production
password hasher (PBKDF2, 1,000,000 iterations) and browse; a share of them log out and in again all along.

Run against a server loaded with ``tonghu demo`` (see docs/benchmarks.md, "Login rush"):

    locust -f bench/locustfile.py --headless --host http://127.0.0.1:18431 -u 150 -r 10 -t 60s --csv /tmp/rush-150

Every request name is the URL pattern, so the CSV has one row per page kind plus ``login`` (the POST that hashes).
"""

from __future__ import annotations

import itertools
import json
import os
import re

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("TONGHU_BENCH_PASSWORD", "tonghu-demo-2026")
# Roles of the demo county: village child directors (most users), township supervisors, county and city staff.
DIRECTORS = [f"zhuren{n:03d}" for n in range(1, 105)]
SUPERVISORS = [f"dudao{n:02d}" for n in range(1, 11)]
COUNTY = ["jingban", "fuze", "shiji"]  # the auditor has no child pages
_directors = itertools.cycle(DIRECTORS)
_supervisors = itertools.cycle(SUPERVISORS)
_county = itertools.cycle(COUNTY)
_serial = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHILD_LINK = re.compile(r'href="/children/(\d+)/"')


class CountyUser(HttpUser):
    """Eight in ten are child directors, one a supervisor, one county or city staff."""

    wait_time = between(2, 8)

    def on_start(self):
        n = next(_serial) % 10
        self.username = next(_directors) if n < 8 else next(_supervisors) if n == 8 else next(_county)
        self.children: list[str] = []
        self.login()

    def login(self):
        page = self.client.get("/accounts/login/", name="/accounts/login/ (form)")
        match = CSRF.search(page.text)
        token = match.group(1) if match else ""
        with self.client.post(
            "/accounts/login/", name="login",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"}, allow_redirects=False, catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.username} answered {response.status_code}")

    @task(3)
    def home(self):
        self.client.get("/", name="/")

    @task(4)
    def children(self):
        page = self.client.get("/children/", name="/children/")
        self.children = CHILD_LINK.findall(page.text)[:20] or self.children

    @task(4)
    def child_file(self):
        if self.children:
            self.client.get(f"/children/{self.children[len(self.children) // 2]}/", name="/children/<pk>/")

    @task(3)
    def task_list(self):
        self.client.get("/visits/tasks/", name="/visits/tasks/")

    @task(1)
    def notifications(self):
        self.client.get("/notifications/", name="/notifications/")

    @task(1)
    def sign_in_again(self):
        """Log out and in again: logins keep coming during the run, not only at the ramp."""
        page = self.client.get("/", name="/")
        match = CSRF.search(page.text)
        self.client.post("/accounts/logout/", name="logout", data={"csrfmiddlewaretoken": match.group(1) if match else ""},
                         headers={"Referer": self.host + "/"}, allow_redirects=False)
        self.login()


# Page loads only (everything but the login POST that hashes): what every other user waits for during a rush.
# With TONGHU_BENCH_PAGES_JSON set, their p50/p95/p99 are written there when locust stops.
_page_times: list[float] = []


@events.request.add_listener
def _record(request_type, name, response_time, exception=None, **kwargs):
    if name != "login" and exception is None:
        _page_times.append(response_time)


@events.quitting.add_listener
def _write_pages(environment, **kwargs):
    target = os.environ.get("TONGHU_BENCH_PAGES_JSON")
    if not target or not _page_times:
        return
    times = sorted(_page_times)

    def pct(p):
        return round(times[min(len(times) - 1, int(len(times) * p / 100))])

    with open(target, "w") as fh:
        json.dump({"pages": len(times), "p50": pct(50), "p95": pct(95), "p99": pct(99)}, fh)
