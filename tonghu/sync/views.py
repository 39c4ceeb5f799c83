"""The offline web app (PWA) for child directors and supervisors: the shell page, its service worker and manifest,
and three JSON endpoints — the key, the village's data, and the queue's replay (docs/offline.md)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from tonghu.core.viewkit import CapabilityMixin, KitTemplateView

from . import services

# What the service worker keeps so that the app opens with no connection (the shell's own URL is added).
SHELL_ASSETS = [
    "bootstrap/css/bootstrap.min.css",
    "tonghu/tonghu.css",
    "vendor/idb/idb.umd.js",
    "sync/app.js",
    "sync/app.css",
    "sync/icon.svg",
]


@lru_cache(maxsize=1)
def shell_version() -> str:
    """A hash of the shell's files: a new release gives a new cache name, and the old cache is dropped only after the
    new one is complete (the queue lives in IndexedDB, never in the cache, so an update cannot lose it)."""
    digest = hashlib.sha256()
    for name in SHELL_ASSETS:
        path = finders.find(name)
        digest.update(name.encode())
        if path:
            digest.update(Path(path).read_bytes())
    digest.update(render_to_string("sync/app.html", {"strings": {}, "config": "{}"}).encode())
    return digest.hexdigest()[:12]


def _strings() -> dict:
    """The app's words in the reader's language (the shell is rendered per language; the cached copy keeps them)."""
    return {
        "offline": _("离线"), "online": _("在线"), "sync": _("同步"), "syncing": _("正在同步…"), "synced": _("已同步"),
        "waiting": _("待发送"), "tasks": _("今日任务"), "children": _("儿童名单"), "queue": _("待发送记录"),
        "record_contact": _("记录联系"), "record_visit": _("记录入户走访"), "save_offline": _("保存（待发送）"),
        "date": _("日期"), "method": _("联系方式"), "contacted_person": _("联系对象"), "notes": _("情况记录"),
        "people_met": _("见到的人"), "living_conditions": _("生活状况"), "guardianship": _("监护情况"),
        "caregiver_performance": _("照护人履责情况"), "schooling": _("就学情况"), "health": _("健康状况"),
        "psychology": _("心理和行为"), "measures": _("采取的措施"), "photo": _("照片"), "problem": _("发现的问题"),
        "problem_category": _("问题类别"), "severity": _("严重程度"), "none": _("无"), "back": _("返回"),
        "guardians": _("监护人"), "open_problems": _("待处理问题"), "next_contact": _("下次联系"), "next_visit": _("下次走访"),
        "overdue": _("逾期"), "due": _("到期"), "last_sync": _("上次同步"), "never": _("从未"),
        "pin_set": _("设置离线 PIN（4–8 位数字），离线时用它打开本机数据"), "pin_enter": _("输入离线 PIN"),
        "pin_wrong": _("PIN 不正确"), "pin_ok": _("确定"), "wiped": _("本机离线数据已清除。"),
        "wipe_expired": _("超过 %(n)s 天未同步，本机离线数据已按规定清除。请联网后重新同步。"),
        "accepted": _("已接收"), "duplicate": _("此前已接收"), "conflict": _("冲突"), "refused": _("未接收"),
        "keep_mine": _("保留我的"), "keep_theirs": _("以服务器为准"), "phone": _("电话"), "edit_phone": _("修改电话"),
        "census": _("摸底排查"), "confirm": _("确认"), "logout": _("退出并清除本机数据"), "saved": _("已保存到本机，联网后发送。"),
        "need_login": _("需要联网登录一次，才能下载本村数据。"), "harm_found": _("发现侵害或危险情形"),
        "harm_description": _("侵害或危险情形说明"), "no_tasks": _("今天没有到期的任务。"), "empty_queue": _("没有待发送的记录。"),
        "server_value": _("服务器上的值"), "my_value": _("我的修改"), "age": _("岁"), "required": _("必填"),
    }


class AppView(KitTemplateView):
    """The installable app's one page; everything else is drawn by app.js from the encrypted local copy."""

    capability = services.USE
    template_name = "sync/app.html"
    scope_note = "shows no data itself; the data comes from BundleView (the user's own region)"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        config = {
            "version": shell_version(), "key_url": reverse("sync_key"), "bundle_url": reverse("sync_bundle"),
            "push_url": reverse("sync_push"), "sw_url": reverse("sync_sw"), "scope": reverse("sync_app"),
            "logout_url": reverse("logout"), "home_url": reverse("home"), "user": self.request.user.get_username(),
        }
        ctx["config"] = json.dumps(config)
        ctx["strings"] = json.dumps(_strings(), ensure_ascii=False)
        return ctx


class ServiceWorkerView(CapabilityMixin, View):
    """The service worker, at the app's scope, with the versioned list of what it precaches."""

    capability_optional = True
    unscoped_reason = "a script: the list of static files to keep offline, no data"

    def get(self, request):
        assets = [reverse("sync_app")] + [static(a) for a in SHELL_ASSETS]
        body = render_to_string("sync/sw.js", {"version": shell_version(), "assets": json.dumps(assets)})
        response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
        response["Service-Worker-Allowed"] = reverse("sync_app")
        response["Cache-Control"] = "no-cache"
        return response


class ManifestView(CapabilityMixin, View):
    capability_optional = True
    unscoped_reason = "the web app manifest: names and icons, no data"

    def get(self, request):
        manifest = {
            "name": _("童护 · 离线走访"), "short_name": _("童护走访"), "start_url": reverse("sync_app"),
            "scope": reverse("sync_app"), "display": "standalone", "background_color": "#ffffff", "theme_color": "#0d6efd",
            "lang": request.LANGUAGE_CODE,
            "icons": [{"src": static("sync/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
        }
        return HttpResponse(json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8")


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


class KeyView(CapabilityMixin, View):
    """The user's offline key, only to the logged-in user and never cached."""

    capability = services.USE
    scope_note = "the caller's own key"

    def get(self, request):
        key = services.key_get(user=request.user)
        return _no_store(JsonResponse({"key": key.key, "generation": key.generation}))


class BundleView(CapabilityMixin, View):
    capability = services.USE
    scope_note = "services.bundle reads Child.objects.visible_to(user, 'visits.view') only"

    def get(self, request):
        return _no_store(JsonResponse(services.bundle(user=request.user), json_dumps_params={"ensure_ascii": False}))


class PushView(CapabilityMixin, View):
    capability = services.USE
    scope_note = "each item is replayed through the services, which check the user's region"
    http_method_names = ["post"]

    def post(self, request):
        try:
            payload = json.loads(request.body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return JsonResponse({"error": _("格式错误：请求内容不是 JSON。")}, status=400)
        try:
            results = services.push(user=request.user, items=payload.get("items") if isinstance(payload, dict) else None)
        except ValidationError as exc:
            return JsonResponse({"error": "；".join(exc.messages)}, status=400)
        except PermissionDenied:
            raise
        return _no_store(JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False}))
