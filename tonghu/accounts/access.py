from django.utils.translation import gettext_lazy as _

from tonghu.core.capabilities import endpoint, grant, nav

from .roles import Role

grant("accounts.manage_users", [Role.SYSADMIN], _("管理本辖区的用户账号（不含查看儿童档案）"))

nav(_("用户管理"), "user_list", "accounts.manage_users", order=70, group="system")


def _user(ctx):
    from .models import User

    user = User.objects.create_user(username=f"matrix-{ctx.region.code}-{ctx.serial()}", password=None, role=Role.CHILD_DIRECTOR,
                                    region=ctx.region, full_name=f"矩阵用户{ctx.region.code[-3:]}")
    return {"pk": user.pk}


endpoint("login", None)
endpoint("logout", None, methods=("POST",))
endpoint("password_change", None)
endpoint("account", None)
endpoint("account_signout_all", None, methods=("POST",))
endpoint("password_change_done", None)
endpoint("user_list", "accounts.manage_users", list_marker=lambda ctx, kw: None)
endpoint("user_create", "accounts.manage_users")
endpoint("user_edit", "accounts.manage_users", make_object=_user)
