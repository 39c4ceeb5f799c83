"""``tonghu policy-load [DIR]`` as the operator runs it (R-A1, R-A2; docs/policy.md; issue 20 item 2): it seeds the
shipped profiles once, says what it created, reports a changed file version as a conflict without applying it, and
refuses an invalid file with a message naming it."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tonghu.policy.models import PolicyProfile, PolicyProfileVersion
from tonghu.policy.profile import PROFILE_DIR

SHIPPED = ["anshan", "changzhi", "guangxi", "national", "shangrila", "xizang"]


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("policy_load", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def copy_profiles(tmp_path):
    for f in PROFILE_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


@pytest.mark.django_db
def test_loading_the_shipped_profiles_once_then_again():
    out, err = run()
    created = out.splitlines()[0]
    assert created.startswith("新建方案 / profiles created: ")
    assert sorted(created.split(": ", 1)[1].split(", ")) == SHIPPED
    assert "新建版本 / versions created: " in out and "guangxi@" in out
    assert "未变 / unchanged: 0" in out and err == ""
    assert sorted(PolicyProfile.objects.values_list("key", flat=True)) == SHIPPED
    versions = PolicyProfileVersion.objects.count()

    out, err = run()
    assert out.splitlines() == ["新建方案 / profiles created: -", "新建版本 / versions created: -", f"未变 / unchanged: {versions}"]
    assert err == "" and PolicyProfileVersion.objects.count() == versions


@pytest.mark.django_db
def test_a_changed_file_version_is_reported_on_stderr_and_not_applied(tmp_path):
    run()
    directory = copy_profiles(tmp_path)
    path = directory / "changzhi.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2024-03-14", "2024-03-15", 1), encoding="utf-8")
    out, err = run(str(directory))
    assert "新建版本 / versions created: -" in out
    assert err.startswith("冲突（未载入）/ conflict, not loaded: changzhi@2024.1")
    assert PolicyProfileVersion.objects.get(profile__key="changzhi").effective_from == dt.date(2024, 3, 14)


@pytest.mark.django_db
def test_an_invalid_file_is_refused_and_nothing_is_loaded(tmp_path):
    directory = copy_profiles(tmp_path)
    path = directory / "guangxi.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("effective_from:", "effective_fro:", 1), encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        run(str(directory))
    assert str(excinfo.value).startswith("规则文件无效 / invalid profile files: ")
    assert "guangxi" in str(excinfo.value)
    assert not PolicyProfile.objects.exists()
