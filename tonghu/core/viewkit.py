"""The view kit: pages that cannot forget the access policy (issue 11 item 2).

Every routed page is one of these, or says why it is not (``unscoped("reason")``); ``manage.py check`` refuses any
other (``tonghu.core.checks``). The kit:

* :class:`KitListView` — a list of the user's region: ``model.objects.visible_to(user, capability)``, narrowed by a
  ``filterset_class``, shown by a ``table_class`` (:class:`Table`, django-tables2: sorting, paging), exported as
  csv/xlsx (``?export=csv|xlsx``: every filtered row, in the table's columns and order; audited).
* :class:`KitObjectView` — one object: ``selector(user=, pk=)`` or the scoped queryset; 404 outside the region
  or without the capability, so nobody learns that it exists.
* :class:`ServiceFormView` — a form that fetches its target through ``target_selector`` (404 outside scope), calls
  one service in :meth:`~ServiceFormView.perform` and puts its errors on the form: a ``ValidationError`` next to
  the fields it names, an :class:`~tonghu.core.versioning.EditConflictError` as the other person's changes above
  the form. Nothing is saved on error. ``create_once = True`` makes a resent create page create nothing
  (the client token, ``core.idempotency``).
* :class:`KitTemplateView` — a page that computes its own figures; it must say how it limits itself to the user's
  region (``scope_note``), which the check requires.
"""

from __future__ import annotations

import csv
import io

import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, TemplateView

from .capabilities import has_capability
from .forms import add_service_errors
from .idempotency import IdempotentViewMixin
from .versioning import EditConflictError

__all__ = ["KitListView", "KitObjectView", "KitTemplateView", "ServiceFormView", "Table", "tables", "unscoped",
           "CapabilityMixin", "EditConflictMixin"]


def unscoped(reason: str):
    """Mark a view (function or class) as deliberately outside the kit, with the reason the startup check shows:
    ``@unscoped("the login page: nobody is logged in yet")``."""
    if not reason or not str(reason).strip():
        raise ImproperlyConfigured("unscoped() needs a reason")

    def mark(view):
        view.unscoped_reason = reason
        return view

    return mark


class CapabilityMixin:
    """Refuse a role without ``capability`` (403, or 404 with ``deny_with_404`` — object pages), then
    :meth:`load` what the URL names (a scoped fetch that answers 404 outside the user's region)."""

    capability: str | None = None  # every subclass must set it (None = any logged-in user, declared explicitly)
    capability_optional = False
    deny_with_404 = False

    def check_capability(self, request) -> None:
        if self.capability is None and not self.capability_optional:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("view declares no capability")
        if self.capability is not None and not has_capability(request.user, self.capability):
            if self.deny_with_404:
                raise Http404
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied

    def load(self, request, *args, **kwargs) -> None:
        """Fetch what the URL names (through a selector); runs after the capability check, before the handler."""

    def dispatch(self, request, *args, **kwargs):
        self.check_capability(request)
        self.load(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class EditConflictMixin:
    """Answer a conflicting edit (:class:`EditConflictError`) the same way everywhere: nothing saved, the other
    person's changes listed above the form (``core/kit/_edit_conflict.html``), the form keeping what the user
    typed and now carrying the current version, so saving again is a deliberate choice to overwrite."""

    conflict = None

    def edit_conflict(self, form, exc) -> None:
        data = form.data.copy()
        data["version"] = exc.obj.version
        form.data = data
        form.add_error(None, exc.messages[0])
        self.conflict = exc.changes

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.conflict is not None:
            ctx.setdefault("conflict", self.conflict)
        return ctx


class TitleMixin:
    title = ""

    def get_title(self):
        return self.title

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("title", self.get_title())
        return ctx


# ------------------------------------------------------------------------------------------------ tables


class Table(tables.Table):
    """One table component for every list (django-tables2): header links sort, pages of ``paginate_by`` rows with
    "第 n / N 页，共 X 条", an empty text in the reader's language; columns with ``exclude_from_export`` are left
    out of downloads. Subclass with ``class Meta(Table.Meta): model = …; fields = (…)``."""

    class Meta:
        template_name = "core/kit/table.html"
        attrs = {"class": "table table-sm table-hover align-middle mb-2"}
        empty_text = gettext_lazy("没有符合条件的记录。")
        order_by_field = "sort"
        page_field = "page"


# ------------------------------------------------------------------------------------------------ lists


class ScopedQuerysetMixin(CapabilityMixin):
    model = None
    kit_scoped = True

    def get_queryset(self):
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no model")
        return self.model.objects.visible_to(self.request.user, self.capability)


class KitListView(TitleMixin, ScopedQuerysetMixin, tables.SingleTableMixin, ListView):
    """A list of the rows of ``model`` in the user's region (see the module docstring)."""

    filterset_class = None
    table_class = None
    paginate_by = 50
    export_name: str | None = None
    template_name = "core/kit/list.html"

    def get_queryset(self):
        qs = super().get_queryset()
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = self.filterset.qs
        else:
            self.filterset = None
        return qs

    # the table pages (ListView must not page the same rows a second time)
    def get_paginate_by(self, queryset):
        return None

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by} if self.paginate_by else False

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt and self.export_name:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        ctx["export_formats"] = ("xlsx", "csv") if self.export_name else ()
        query = self.request.GET.copy()
        for key in ("page", "export"):
            query.pop(key, None)
        ctx["querystring"] = query.urlencode()
        return ctx

    # -- export: what is shown, every page of it
    def export_rows(self, table):
        exclude = [name for name, col in table.columns.items() if getattr(col.column, "exclude_from_export", False)]
        return table.as_values(exclude_columns=exclude)

    def export(self, fmt: str):
        from .auditing import audit as audit_log

        if fmt not in ("csv", "xlsx"):
            raise Http404
        qs = self.get_queryset()
        limit = getattr(settings, "EXPORT_MAX_ROWS", 50000)
        count = qs.count()
        if count > limit:
            messages.error(self.request, _("共 %(n)d 条，超过一次导出的上限 %(limit)d 条：请用筛选条件缩小范围后再导出。")
                           % {"n": count, "limit": limit})
            query = self.request.GET.copy()
            query.pop("export", None)
            return redirect(f"{self.request.path}?{query.urlencode()}")
        table = self.get_table_class()(data=qs, **self.get_table_kwargs())
        tables.RequestConfig(self.request, paginate=False).configure(table)
        rows = [[_cell(v) for v in row] for row in self.export_rows(table)]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{self.export_name}-{stamp}.{fmt}"
        audit_log(actor=self.request.user, action="export", object_type=self.export_name, object_repr=str(self.get_title()),
                  region_code=getattr(getattr(self.request.user, "region", None), "code", "") or "",
                  summary=_("导出“%(title)s” %(n)d 条（%(fmt)s）") % {"title": self.get_title(), "n": max(len(rows) - 1, 0), "fmt": fmt},
                  changes={"query": self.request.GET.urlencode(), "rows": max(len(rows) - 1, 0)})
        if fmt == "csv":
            out = io.StringIO()
            csv.writer(out).writerows(rows)
            response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
        else:
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            ws = wb.create_sheet(str(self.get_title())[:31] or "sheet")
            for row in rows:
                ws.append(row)
            buf = io.BytesIO()
            wb.save(buf)
            response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response


def _cell(value):
    """A value as a spreadsheet cell: text for everything but numbers, so ID-like codes keep their leading zeros."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    # a cell beginning with = + - @ would be run as a formula by Excel (CSV injection)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# ------------------------------------------------------------------------------------------------ one object


class KitObjectView(TitleMixin, ScopedQuerysetMixin, DetailView):
    """One object of the user's region: ``selector(user=…, pk=…)`` (a function of the app's ``selectors.py`` that
    answers ``Http404`` outside the region, and may audit the read) or, without one, the scoped queryset."""

    deny_with_404 = True
    selector = None

    def get_object(self, queryset=None):
        if self.selector is not None:
            return self.selector(user=self.request.user, **self.kwargs)
        return get_object_or_404(self.get_queryset(), pk=self.kwargs[self.pk_url_kwarg])


class KitTemplateView(TitleMixin, CapabilityMixin, TemplateView):
    """A page that computes its own figures from scoped selectors. ``scope_note`` says how it stays inside the
    user's region (the startup check requires one)."""

    scope_note = ""
    kit_scoped = True


# ------------------------------------------------------------------------------------------------ forms


class ServiceFormView(TitleMixin, IdempotentViewMixin, EditConflictMixin, CapabilityMixin, FormView):
    """A form that calls one service (see the module docstring). Set ``capability``, ``form_class``,
    ``target_selector`` (omit for a create), implement :meth:`perform` and :meth:`get_success_url`."""

    kit_scoped = True
    target_selector = None
    create_once = False
    success_message = gettext_lazy("已保存。")
    template_name = "core/kit/form.html"
    target = None

    def check_capability(self, request) -> None:
        # a page about one object answers 404 (not 403) to a role without the capability
        if self.target_selector is not None:
            self.deny_with_404 = True
        super().check_capability(request)

    def load(self, request, *args, **kwargs) -> None:
        if self.target_selector is not None:
            self.target = self.target_selector(user=request.user, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.create_once:
            return super().post(request, *args, **kwargs)  # IdempotentViewMixin: a repeated token redirects
        return super(IdempotentViewMixin, self).post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        form_class = self.get_form_class()
        meta_model = getattr(getattr(form_class, "_meta", None), "model", None)
        if self.target is not None and meta_model is not None and isinstance(self.target, meta_model):
            kwargs["instance"] = self.target
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["target"] = self.target
        ctx["create_once"] = self.create_once
        return ctx

    def perform(self, form, target):
        """Call the one service this form is for and return its result."""
        raise NotImplementedError

    def get_repeat_url(self, obj):
        return self.get_success_url(obj)

    def get_success_url(self, result=None):
        if hasattr(result, "get_absolute_url"):
            return result.get_absolute_url()
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_success_url(result)")

    def form_valid(self, form):
        try:
            if self.create_once:
                result = self.create_once_call(form)
            else:
                result = self.perform(form, self.target)
        except EditConflictError as exc:
            self.edit_conflict(form, exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            return self.service_error(form, exc)
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url(result))

    def service_error(self, form, exc):
        """The service refused: its messages next to the fields they name (on the form when it names none)."""
        add_service_errors(form, exc)
        return self.form_invalid(form)

    def create_once_call(self, form):
        return IdempotentViewMixin.create_once(self, lambda: self.perform(form, self.target))

    def get_success_message(self, result):
        return self.success_message
