"""The view kit (issue 11 item 2): scoped lists with one table component, export of what is shown, and the startup
check that refuses a routed view that is neither scoped nor marked with a reason."""

from __future__ import annotations

import io

import pytest
from django.core.checks import Error
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path, reverse
from django.views import View

from tonghu.accounts.roles import Role
from tonghu.audit.models import AuditEntry
from tonghu.core import checks as kit_checks
from tonghu.core.viewkit import KitTemplateView, unscoped


def _rows(page: str) -> list[str]:
    import re

    body = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)


def test_kit_list_shows_only_the_users_region_and_sorts(world, users, client):
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(reverse("region_list")).content.decode()
    assert "泗城镇" in page and "下甲镇" in page
    assert "建塘镇" not in page  # another province's township
    rows = _rows(client.get(reverse("region_list") + "?sort=-code").content.decode())
    assert "下甲镇" in rows[0] and "泗城镇" in rows[1]  # 451027002000 before 451027001000
    # a parent outside the user's region shows nothing (not an error page that confirms it exists)
    outside = client.get(reverse("region_list") + "?parent=533401000000").content.decode()
    assert "建塘镇" not in outside and "没有下级区划" in outside


def test_kit_list_pages_with_a_count(world, users, client, settings):
    from tonghu.core.views import RegionListView

    client.force_login(users[Role.COUNTY_OFFICER])
    old = RegionListView.paginate_by
    RegionListView.paginate_by = 1
    try:
        first = client.get(reverse("region_list") + "?sort=code").content.decode()
        second = client.get(reverse("region_list") + "?sort=code&page=2").content.decode()
    finally:
        RegionListView.paginate_by = old
    assert len(_rows(first)) == 1 and "泗城镇" in first and "下甲镇" not in first
    assert "下甲镇" in second
    assert 'data-testid="kit-pager"' in first and "共 2 条" in first


def test_kit_export_has_every_filtered_row_in_the_tables_columns_and_is_audited(world, users, client):
    from openpyxl import load_workbook

    from tonghu.core.views import RegionListView

    client.force_login(users[Role.COUNTY_OFFICER])
    old = RegionListView.paginate_by
    RegionListView.paginate_by = 1  # the export is not limited to the page shown
    try:
        response = client.get(reverse("region_list") + "?parent=451027001000&sort=code&export=xlsx")
    finally:
        RegionListView.paginate_by = old
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("区划代码", "名称", "层级", "城乡分类")
    assert [r[0] for r in rows[1:]] == ["451027001001", "451027001200", "451027001201"]  # codes stay text
    assert rows[2][1] == "青山村" and rows[2][2].startswith("村级")
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.actor_id == users[Role.COUNTY_OFFICER].pk and "3" in entry.summary

    csv = client.get(reverse("region_list") + "?parent=451027001000&export=csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "区划代码,名称,层级,城乡分类" and "451027001201" in text


def test_kit_export_refuses_more_rows_than_the_limit_and_says_so(world, users, client, settings):
    settings.EXPORT_MAX_ROWS = 1
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.get(reverse("region_list") + "?export=xlsx", follow=True)
    page = response.content.decode()
    assert response.redirect_chain and "超过一次导出的上限 1 条" in page
    assert not AuditEntry.objects.filter(action="export").exists()


def test_export_cells_cannot_become_formulas():
    from tonghu.core.viewkit import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("-3") == "-3" and _cell(5) == 5 and _cell(None) == ""


# ------------------------------------------------------------------------------- the startup check

def plain(request):  # a routed view that forgets the policy
    return HttpResponse("rows of every county")


@unscoped("a probe with no data")
def marked(request):
    return HttpResponse("ok")


class Figures(KitTemplateView):
    capability = "core.view_regions"


class FiguresWithNote(KitTemplateView):
    capability = "core.view_regions"
    scope_note = "sums of the user's region only"


class Plain(View):
    pass


urlpatterns = [
    path("plain/", plain),
    path("marked/", marked),
    path("figures/", Figures.as_view()),
    path("figures-ok/", FiguresWithNote.as_view()),
    path("class/", Plain.as_view()),
]


def test_every_routed_view_of_tonghu_passes_the_check():
    assert kit_checks.check_views_scoped() == []


@override_settings(ROOT_URLCONF=__name__)
def test_the_check_refuses_an_unscoped_view_and_names_it():
    errors = kit_checks.check_views_scoped()
    named = {e.obj: e for e in errors}
    assert all(isinstance(e, Error) and e.id == "tonghu.E010" for e in errors)
    assert f"{__name__}.plain" in named and f"{__name__}.Plain" in named
    assert f"{__name__}.Figures" in named and "scope_note" in named[f"{__name__}.Figures"].msg
    assert f"{__name__}.marked" not in named and f"{__name__}.FiguresWithNote" not in named


def test_unscoped_needs_a_reason():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        unscoped("  ")


def test_views_waiting_for_conversion_still_exist():
    """The list of views written before the kit only shrinks: a name there that no URL routes is stale."""
    from django.urls import get_resolver

    routed = {kit_checks.view_of(p.callback)[1] for _, p in kit_checks._patterns(get_resolver())}
    assert kit_checks.PENDING <= routed, sorted(kit_checks.PENDING - routed)
