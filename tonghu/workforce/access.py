"""Capabilities, navigation and endpoints of the workforce app (see tonghu.core.capabilities for the mechanism).

Who sees ID numbers of ledger people: the children's rule (``registry.view_id_numbers``, tonghu.registry.masking).
Background-check results: county managers only (``workforce.checks``, R-F7 / issue 15 item 4)."""

from django.utils.translation import gettext_lazy as _

from tonghu.accounts.roles import Role
from tonghu.core.capabilities import grant

COUNTY = [Role.COUNTY_OFFICER, Role.COUNTY_MANAGER]
ABOVE = [Role.CITY_STAFF, Role.PROVINCE_STAFF]

grant("workforce.view", [Role.SUPERVISOR, *COUNTY, *ABOVE], _("查看儿童主任和儿童督导员台账、配备情况和培训情况"))
grant("workforce.manage", COUNTY, _("登记和修改儿童主任、儿童督导员台账，办理儿童主任交接"))
grant("workforce.training", [*COUNTY, *ABOVE], _("登记培训和参训人员"))
grant("workforce.checks", [Role.COUNTY_MANAGER], _("登记和查看入职查询（性侵害等违法犯罪记录）结果"))
