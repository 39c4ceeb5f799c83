"""Creating something once, however often the client sends it (issue 10 item 17).

A lost response, a draft that ``draft.js`` resends, a double click or a replayed offline submission must not create
a second visit, child or report. Every create therefore carries a **client token**: a UUID the page (or the app)
made *before* the first attempt and sends again with every retry —

* page forms: the hidden field ``client_token``, rendered by the shared form template (``_client_token.html``,
  included by ``_form.html`` and the create pages) from the view's :attr:`IdempotentViewMixin.client_token`;
* the API: the ``Idempotency-Key`` header (or a ``client_token`` field in the body).

The first request runs the create and records ``IdempotencyKey(user, key → object)`` in the same transaction; a
repeat with the same token (same user) creates nothing and answers with the first result: the page redirects where
the first save went, the API returns the first object's body with ``Idempotent-Replayed: true``. Two requests
racing with the same token both run, but the unique constraint on (user, key) makes the second roll back entirely
and answer with the first one's object. Without a token a create behaves as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

HEADER = "Idempotency-Key"
FIELD = "client_token"
REPLAYED_HEADER = "Idempotent-Replayed"


class BadToken(ValueError):
    """The client sent a token that is not a UUID."""


def parse(raw) -> uuid.UUID | None:
    """The token as a UUID; None when absent; :class:`BadToken` when present but not a UUID."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return uuid.UUID(str(raw).strip())
    except (TypeError, ValueError, AttributeError) as exc:
        raise BadToken(str(raw)) from exc


def previous(user, token: uuid.UUID | None):
    """What ``user`` already created with ``token``, or None."""
    from .models import IdempotencyKey

    if token is None or not getattr(user, "is_authenticated", False):
        return None
    row = IdempotencyKey.objects.filter(user=user, key=token).select_related("content_type").first()
    if row is None:
        return None
    model = row.content_type.model_class()
    return model._base_manager.filter(pk=row.object_id).first() if model is not None else None


def once(user, token: uuid.UUID | None, create: Callable):
    """Run ``create()`` (which returns the created object) once per ``(user, token)``.

    Returns ``(obj, created)``: the new object and True, or the object the token created before and False."""
    from .models import IdempotencyKey

    if token is None or not getattr(user, "is_authenticated", False):
        return create(), True
    found = previous(user, token)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            obj = create()
            IdempotencyKey.objects.create(user=user, key=token, content_type=ContentType.objects.get_for_model(obj),
                                          object_id=str(obj.pk))
    except IntegrityError:
        found = previous(user, token)  # the same token committed meanwhile: this attempt rolled back entirely
        if found is None:
            raise
        return found, False
    return obj, True


class IdempotentViewMixin:
    """For a page's create form (put it before ``FormView``). The template renders ``_client_token.html``; a POST
    whose token already created something redirects to :meth:`get_repeat_url` without validating the form again
    (a repeat of "new child" would otherwise fail as a duplicate); ``form_valid`` wraps its service call in
    :meth:`create_once`."""

    idempotent = True

    @cached_property
    def client_token(self) -> str:
        """The token of this page: the one posted (kept when the form is shown again with errors), or a new one."""
        if self.request.method == "POST":
            try:
                token = parse(self.request.POST.get(FIELD))
            except BadToken:
                token = None
            if token is not None:
                return str(token)
        return str(uuid.uuid4())

    def posted_token(self) -> uuid.UUID | None:
        try:
            return parse(self.request.POST.get(FIELD))
        except BadToken:
            return None

    def post(self, request, *args, **kwargs):
        obj = previous(request.user, self.posted_token())
        if obj is not None:
            return self.repeated(obj)
        return super().post(request, *args, **kwargs)

    def repeated(self, obj):
        """The answer to a repeat: where the first save went."""
        return redirect(self.get_repeat_url(obj))

    def get_repeat_url(self, obj) -> str:
        return obj.get_absolute_url()

    def create_once(self, create: Callable):
        """``create()`` once per token; the object (new, or the one the token made before)."""
        return once(self.request.user, self.posted_token(), create)[0]


class IdempotentAPIMixin:
    """For a DRF viewset's creates: the ``Idempotency-Key`` header (or ``client_token`` in the body).

    A viewset whose ``create`` is the generic one gets it by inheriting this mixin first; a custom create or action
    calls :meth:`replay` first and :meth:`create_once` around its service call."""

    def api_token(self, request) -> uuid.UUID | None:
        from rest_framework.exceptions import ValidationError

        raw = request.headers.get(HEADER)
        if raw is None and hasattr(request, "data") and hasattr(request.data, "get"):
            raw = request.data.get(FIELD)
        try:
            return parse(raw)
        except BadToken:
            raise ValidationError({FIELD: [_("重复提交保护：%(header)s 须为 UUID（如 3f1c…），收到的是“%(value)s”。") % {
                "header": HEADER, "value": str(raw)[:60]}]}) from None

    def replay(self, request, render: Callable):
        """The response to a repeat (``render(obj)`` marked as replayed), or None for a first attempt."""
        obj = previous(request.user, self.api_token(request))
        if obj is None:
            return None
        response = render(obj)
        response[REPLAYED_HEADER] = "true"
        return response

    def create_once(self, request, create: Callable):
        return once(request.user, self.api_token(request), create)

    def create(self, request, *args, **kwargs):
        from rest_framework import status
        from rest_framework.response import Response

        def render(obj):
            return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

        replayed = self.replay(request, render)
        if replayed is not None:
            return replayed
        holder = {}

        def create():
            holder["response"] = super(IdempotentAPIMixin, self).create(request, *args, **kwargs)
            return self.get_queryset().model._base_manager.get(pk=holder["response"].data["id"])

        obj, created = self.create_once(request, create)
        if not created:
            response = render(obj)
            response[REPLAYED_HEADER] = "true"
            return response
        return holder["response"]
