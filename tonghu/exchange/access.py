"""Capabilities, navigation and endpoints of the exchange app (see tonghu.core.capabilities for the mechanism)."""

from django.utils.translation import gettext_lazy as _

from tonghu.core.capabilities import endpoint, grant, nav
from tonghu.core.roles import Role

grant("exchange.manage", [Role.SYSADMIN, Role.COUNTY_MANAGER], _("登记对接系统（12345 热线等），更换其密钥，查看调用和回调记录"))

nav(_("对接系统"), "exchange_partners", "exchange.manage", order=85, group="system")


def _partner(ctx):
    from tonghu.core.models import Region

    from .services import partner_create

    owner = ctx.user if ctx.in_scope else ctx.stranger
    region = Region.objects.get(code=ctx.region.code)
    partner, _cred, _secret = partner_create(actor=owner, name=f"矩阵热线{ctx.region.code[-6:]}{ctx.serial()}", kind="hotline",
                                             region=region, scopes=["reports.create"], webhook_url="https://partner.invalid/hook")
    ctx.remember("partner", partner)
    return partner


def _delivery(ctx):
    from .models import WebhookDelivery

    partner = _partner(ctx)
    return WebhookDelivery.objects.create(partner=partner, event="report.accepted", payload={})


endpoint("exchange_partners", "exchange.manage", make_object=lambda ctx: (_partner(ctx), {})[1],
         list_marker=lambda ctx, kw: ctx.recalled("partner").client_id)
endpoint("exchange_partner_create", "exchange.manage")
endpoint("exchange_partner", "exchange.manage", make_object=lambda ctx: {"pk": _partner(ctx).pk})
endpoint("exchange_partner_rotate", "exchange.manage", make_object=lambda ctx: {"pk": _partner(ctx).pk}, methods=("POST",))
endpoint("exchange_delivery_replay", "exchange.manage", make_object=lambda ctx: {"pk": _delivery(ctx).pk}, methods=("POST",))
# the partner interface answers signed calls only (no session): tests/test_partner_api.py probes it
endpoint("partner_reports", None, methods=("POST",), extra={"signed": True})
endpoint("partner_report", None, make_object=lambda ctx: {"ticket": "T-matrix"}, extra={"signed": True})
