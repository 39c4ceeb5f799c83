"""The UI shell (issue 2 §7): Chinese by default, complete English, no CDN, phone viewport, jobs."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tonghu.accounts.roles import Role

# the page of tiles itself: every role above the village lands on its dashboard (tonghu.core.landing)
HOME = "/?tiles=1"

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_chinese_is_default_even_for_english_browsers(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-Hans"' in page and "登录童护" in page


@pytest.mark.django_db
def test_language_switch_to_english_and_back(world, users, client):
    client.force_login(users[Role.COUNTY_OFFICER])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(HOME).content.decode()
    assert 'lang="en"' in page
    assert "Children&#x27;s files" in page or "Children's files" in page
    assert "儿童档案" not in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "儿童档案" in client.get(HOME).content.decode()


def _templates():
    return list(ROOT.glob("tonghu/**/templates/**/*.html"))


def test_no_page_loads_anything_from_the_internet():
    offenders = []
    templates = _templates()
    assert len(templates) > 10
    for path in templates:
        for match in re.finditer(r"""(?:src|href)\s*=\s*["'](https?:)?//""", path.read_text(encoding="utf-8")):
            offenders.append(f"{path}: {match.group(0)}")
    assert not offenders, offenders


@pytest.mark.django_db
def test_static_assets_are_served_from_installed_packages(client):
    for url in ("/static/bootstrap/css/bootstrap.min.css", "/static/vendor/htmx/htmx.min.js", "/static/bootstrap/js/bootstrap.bundle.min.js"):
        response = client.get(url)
        assert response.status_code == 200, url
    docs = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert docs.status_code == 200


@pytest.mark.django_db
def test_base_page_has_phone_viewport(client):
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_job_runs_and_shows_progress_and_row_errors(world, users, client, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tonghu.core.jobs import execute_job
    from tonghu.core.models import Job

    settings.MEDIA_ROOT = tmp_path
    client.force_login(users[Role.SYSADMIN])
    bad = SimpleUploadedFile("regions.csv", "code,name\n12,\n".encode())
    response = client.post(reverse("region_import"), {"file": bad})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", kwargs={"pk": job.pk})
    execute_job(str(job.pk))
    page = client.get(reverse("job_detail", kwargs={"pk": job.pk})).content.decode()
    assert "失败" in page and "名称不能为空" in page
    good = SimpleUploadedFile("regions.csv", "code,name\n451027003000,新镇\n".encode())
    client.post(reverse("region_import"), {"file": good})
    job = Job.objects.order_by("-created_at").first()
    execute_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["created"] == 1 and job.percent == 100
    partial = client.get(reverse("job_detail", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="job-progress"') and "<html" not in partial


@pytest.mark.django_db(transaction=True)
def test_job_is_queued_for_the_database_worker(world, users, tmp_path, settings):
    """A started job lands in django-tasks' database queue, and the worker command runs it."""
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from tonghu.core.jobs import job_start
    from tonghu.core.models import Job

    settings.MEDIA_ROOT = tmp_path
    job = job_start(kind="regions_import", user=users[Role.SYSADMIN], label="t", input_file=ContentFile(b"code,name\n451027004000,\xe6\x96\xb0\xe4\xb9\xa1\n", name="r.csv"))
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    job.refresh_from_db()
    assert job.status == "succeeded", (job.message, job.errors)
    assert Job.objects.get(pk=job.pk).task_id


def test_english_translation_is_complete_and_compiled():
    """Every string has an English translation, and the shipped .mo files match the .po files."""
    import importlib.util

    import polib

    spec = importlib.util.spec_from_file_location("i18n", ROOT / "scripts" / "i18n.py")
    i18n = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(i18n)
    assert i18n.untranslated() == []
    for po_path in i18n.po_files():
        po = {e.msgid: (e.msgstr or e.msgstr_plural) for e in polib.pofile(str(po_path)) if not e.obsolete}
        mo = {e.msgid: (e.msgstr or e.msgstr_plural) for e in polib.mofile(str(po_path.with_suffix(".mo")))}
        assert {k: v for k, v in po.items() if k} == {k: v for k, v in mo.items() if k}, f"{po_path}: run scripts/i18n.py compile"


def test_permissions_doc_matches_the_declarations():
    from tonghu.core.management.commands.permissions_table import BEGIN, DOC, END, render

    text = DOC.read_text(encoding="utf-8")
    assert text.split(BEGIN, 1)[1].split(END, 1)[0].strip() == render().strip(), "run: tonghu permissions-table --write"


def test_service_errors_land_on_the_field_or_the_whole_form():
    """A service's ValidationError is shown beside the field it names; a field the form lacks, `__all__`, or an
    error without a field goes to the form as a whole (never a crash)."""
    from django import forms
    from django.core.exceptions import ValidationError

    from tonghu.core.forms import add_service_errors

    class F(forms.Form):
        name = forms.CharField(required=False)

    form = F({"name": "x"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"name": "姓名不能为空。", "village": "村不存在。", "__all__": "整体错误。"}))
    assert form.errors["name"] == ["姓名不能为空。"]
    assert form.non_field_errors() == ["村不存在。", "整体错误。"]
    form = F({"name": "x"})
    form.is_valid()
    add_service_errors(form, ValidationError("没有字段的错误。"))
    assert form.non_field_errors() == ["没有字段的错误。"]


def _i18n_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("i18n", ROOT / "scripts" / "i18n.py")
    i18n = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(i18n)
    return i18n


def test_no_chinese_literal_outside_translation_calls_beyond_the_documented_files():
    """``scripts/i18n.py check`` fails on a Chinese string in Python code that is not inside gettext/msg, a docstring,
    a data file listed with its reason, or a file whose remaining count is recorded (and may only go down). Issue 11
    §5: validation messages, page titles and stored texts all go through Django i18n."""
    i18n = _i18n_script()
    assert i18n.literal_problems() == []
    assert "tonghu/registry/services.py" not in i18n.LITERAL_PENDING  # its validation messages are translated
    for pattern, reason in i18n.LITERAL_DATA.items():
        assert len(reason) > 20, f"{pattern}: say why this file is data"


def test_the_literal_check_finds_what_it_must_and_spares_what_it_may(tmp_path):
    i18n = _i18n_script()
    source = tmp_path / "mod.py"
    source.write_text(
        '"""模块说明：文档字符串不算。"""\n'
        "from django.utils.translation import gettext as _\n"
        "from tonghu.core.texts import msg\n"
        "def f(x):\n"
        '    """函数说明。"""\n'
        '    a = _("已翻译")\n'
        '    b = msg("已存储的消息 %(x)s", x=x)\n'
        '    c = "未翻译的提示"\n'
        '    d = f"第 {x} 行有错"\n'
        '    e = "男"  # i18n: data (a value matched in input)\n'
        "    return a, b, c, d, e\n",
        encoding="utf-8",
    )
    assert sorted({line for line, _text in i18n.chinese_literals(source)}) == [8, 9]
