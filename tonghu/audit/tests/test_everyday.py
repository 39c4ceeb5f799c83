"""The audit page an auditor can use (issue 18 §8): object types by name, date pickers, an audited export, and
entries that read as names and real changes, not "accounts.user 122" and "∅ → ∅"."""

from __future__ import annotations

import csv
import io
import re

from django.urls import reverse

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.audit.services import audit_log


def _entries(users):
    officer = users[Role.COUNTY_OFFICER]
    audit_log(actor=officer, action="update", obj=users[Role.CHILD_DIRECTOR], summary="修改用户",
              changes={"full_name": ["", "韦小明"], "phone": ["", ""], "unit": [None, None]})
    audit_log(actor=officer, action="view", object_type="registry.child", object_id="7", object_repr="罗小花",
              region_code="451027001200")


def test_audit_filter_offers_types_by_name_and_date_pickers(world, users, client):
    _entries(users)
    client.force_login(users[Role.AUDITOR])
    page = client.get(reverse("audit_list")).content.decode()
    select = re.search(r'<select name="object_type".*?</select>', page, re.S).group(0)
    assert 'value="registry.child"' in select and ">儿童<" in select or "儿童档案" in select, select
    assert re.search(r'<input type="date" name="since"', page) and re.search(r'<input type="date" name="until"', page)
    only = client.get(reverse("audit_list"), {"object_type": "registry.child"}).content.decode()
    assert "罗小花" in only and "修改用户" not in only


def test_audit_rows_show_names_and_only_real_changes(world, users, client):
    _entries(users)
    client.force_login(users[Role.AUDITOR])
    page = client.get(reverse("audit_list")).content.decode()
    table = page[page.index("<table"):page.index("</table>")]
    assert "accounts.user" not in table and ">用户 " in table
    assert "∅ → ∅" not in table
    assert "∅ → 韦小明" in page


def test_audit_export_is_the_filtered_list_and_is_itself_audited(world, users, client):
    _entries(users)
    auditor = users[Role.AUDITOR]
    client.force_login(auditor)
    response = client.get(reverse("audit_export"), {"object_type": "registry.child"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "序号"
    assert [r[7] for r in rows[1:]] == ["罗小花"]
    logged = AuditEntry.objects.filter(actor=auditor, action="export").get()
    assert "1" in logged.summary_text
    assert client.get(reverse("audit_export")).status_code == 200
    client.force_login(users[Role.COUNTY_OFFICER])
    assert client.get(reverse("audit_export")).status_code == 403
