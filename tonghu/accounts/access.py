from django.utils.translation import gettext_lazy as _

from tonghu.core.capabilities import endpoint, grant, nav

from tonghu.core.roles import Role

grant("accounts.manage_users", [Role.SYSADMIN], _("管理本辖区的用户账号（不含查看儿童档案）"))
grant("accounts.approve_accounts", [Role.COUNTY_MANAGER, Role.CITY_STAFF, Role.PROVINCE_STAFF],
      _("审批本辖区账号的角色：可查看儿童信息的角色须经县级民政负责人或上级民政工作人员批准后才生效（申请人不能自批）"))

nav(_("用户管理"), "user_list", "accounts.manage_users", order=70, group="system")
nav(_("账号审批"), "approval_list", "accounts.approve_accounts", order=71, group="system")


def _user(ctx):
    from .models import User

    user = User.objects.create_user(username=f"matrix-{ctx.region.code}-{ctx.serial()}", password=None, role=Role.CHILD_DIRECTOR,
                                    region=ctx.region, full_name=f"矩阵用户{ctx.region.code[-3:]}")
    return {"pk": user.pk}


endpoint("login", None)
endpoint("logout", None, methods=("POST",))
endpoint("password_change", None)
endpoint("account", None)
endpoint("two_factor_setup", None)
endpoint("two_factor_verify", None)
endpoint("account_signout_all", None, methods=("POST",))
endpoint("password_change_done", None)
endpoint("user_list", "accounts.manage_users", list_marker=lambda ctx, kw: None)
endpoint("user_create", "accounts.manage_users")
endpoint("user_edit", "accounts.manage_users", make_object=_user)


def _role_request(ctx):
    from .models import RoleRequest, User

    account = User.objects.create_user(username=f"pending-{ctx.region.code}-{ctx.serial()}", password=None, role="", region=ctx.region)
    req = RoleRequest.objects.create(user=account, role=Role.CHILD_DIRECTOR, region=ctx.region, requested_by=ctx.stranger)
    return {"pk": req.pk}


endpoint("approval_list", "accounts.approve_accounts", list_marker=lambda ctx, kw: None)
endpoint("approval_decide", "accounts.approve_accounts", make_object=_role_request, methods=("POST",),
         post_data=lambda ctx: {"decision": "reject", "reason": "矩阵测试"})
