"""Capabilities, navigation and endpoints of discovery (issue 12 item 8; docs/discovery.md, "Who sees what").

Rosters are among the most sensitive data in the system: only county civil-affairs officers of the data set's
county (and province staff, the province's data officers) upload, link and decide; a village's child director
sees only the findings sent to his village for verification; department reporters never see matches.
"""

from django.utils.translation import gettext_lazy as _

from tonghu.accounts.roles import Role
from tonghu.core.capabilities import grant

R = Role
MANAGE = [R.COUNTY_OFFICER, R.COUNTY_MANAGER, R.PROVINCE_STAFF]

grant("discovery.manage", MANAGE, _("上传部门名单（教育、公安、司法、法院、卫健、残联、民政、妇联），查看比对结果，确认、排除或交儿童主任核实发现的线索"))
grant("discovery.verify", [R.CHILD_DIRECTOR], _("查看县级交本村（社区）核实的线索，入户核实后回复"))
