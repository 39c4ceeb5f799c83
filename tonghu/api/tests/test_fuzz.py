"""The API fuzzed against its own OpenAPI schema (issue 10 §8): every operation, with every role's token, a bounded
number of generated requests each (fixed seed), on real rows in scope. No answer may be a 5xx, and every answer
must be one the schema documents (status code, content type, body).

Bounded for CI: ``TONGHU_FUZZ_EXAMPLES`` generated requests per operation and role (default 5; 10 roles x
25 operations). Writes go through the API, hence through the real services."""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import pytest
import requests
from django.test import Client
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import IN_SCOPE_VILLAGE
from tonghu.accounts.roles import Role

EXAMPLES = int(os.environ.get("TONGHU_FUZZ_EXAMPLES", "5"))
_SCHEMA = {}


def _schema():
    """The schema as /api/schema/ serves it (built once per run: it does not depend on the caller)."""
    if "schema" not in _SCHEMA:
        import schemathesis
        from drf_spectacular.generators import SchemaGenerator

        raw = SchemaGenerator().get_schema(request=None, public=True)
        _SCHEMA["schema"] = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))
    return _SCHEMA["schema"]


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def rows(world, users):
    """Real rows in scope, so that generated requests for an object find it half the time."""
    import datetime as dt

    from tonghu.audit.services import audit_log
    from tonghu.cases import services as cases
    from tonghu.registry.models import Assistance, CareArrangement, Child, Guardian, Household
    from tonghu.visits.models import Schedule

    household = Household.objects.create(village=world[IN_SCOPE_VILLAGE], address="一组")
    child = Child.objects.create(name="测试儿童", sex="F", birth_date="2015-05-05", village=world[IN_SCOPE_VILLAGE], household=household)
    guardian = Guardian.objects.create(child=child, role="mother", name="测试母亲")
    care = CareArrangement.objects.create(child=child, caregiver_kind="grandparents", caregiver_name="测试祖母", start=dt.date(2024, 1, 1))
    assistance = Assistance.objects.create(child=child, scheme="orphan_allowance", amount_month=500, start=dt.date(2024, 1, 1))
    report = cases.report_file(actor=users[Role.REPORTER], situation="abandonment", what_happened="儿童独自在家。",
                               immediate_danger=False, region=world[IN_SCOPE_VILLAGE], child_name="小明", child_age=8)
    case = cases.report_accept(actor=users[Role.COUNTY_OFFICER], report=report)
    entry = audit_log(actor=users[Role.COUNTY_OFFICER], action="view", obj=child, summary="查看儿童档案")
    schedule = Schedule.objects.filter(child=child).first()
    return {"id": [child.pk, case.pk, report.pk, entry.pk, IN_SCOPE_VILLAGE] + ([schedule.pk] if schedule else []),
            "gpk": [guardian.pk], "cpk": [care.pk], "apk": [assistance.pk]}


def _django_call(client, case, token):
    query = urlencode(case.query or {}, doseq=True)
    kwargs = {"QUERY_STRING": query, "HTTP_AUTHORIZATION": f"Token {token}"}
    method = case.method.upper()
    body = b""
    if case.body is not None and method not in ("GET", "DELETE", "HEAD"):
        body = json.dumps(case.body, default=str).encode()
        kwargs["content_type"] = "application/json"
    response = client.generic(method, case.formatted_path, data=body, **kwargs)
    from schemathesis.core.transport import Response

    url = f"http://testserver{case.formatted_path}" + (f"?{query}" if query else "")
    prepared = requests.Request(method, url, data=body or None, headers={"Content-Type": "application/json"} if body else {}).prepare()
    headers = {k: [v] for k, v in response.headers.items()}
    return Response(status_code=response.status_code, headers=headers, content=response.content, request=prepared, elapsed=0.0, verify=True)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role.values))
def test_fuzz_every_operation_with_every_role(role, users, rows, settings):
    from tonghu.accounts.services import token_issue

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/min"}}
    schema = _schema()
    _token, key = token_issue(user=users[role])
    client = Client()
    checks = _checks()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        real = {name: values for name, values in rows.items() if f"{{{name}}}" in operation.path}

        @hsettings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=False,
                   suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), pick=st.booleans(), index=st.integers(min_value=0, max_value=10))
        def run(case, pick, index):  # hypothesis refuses defaults; run() is called in this iteration, so `real` is current
            if pick and real:  # noqa: B023
                for name, values in real.items():  # noqa: B023
                    case.path_parameters[name] = values[index % len(values)]
            response = _django_call(client, case, key)
            case.validate_response(response, checks=checks)

        run()
