"""Roles and departments. Every app needs them (capabilities, scoping, services), so they live in core; the old path
``tonghu.accounts.roles`` re-exports them. What each role may do is declared per app in ``access.py``
(tonghu.core.capabilities)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CHILD_DIRECTOR = "child_director", _("儿童主任")
    SUPERVISOR = "supervisor", _("儿童督导员")
    COUNTY_OFFICER = "county_officer", _("县级民政经办人")
    COUNTY_MANAGER = "county_manager", _("县级民政负责人")
    CITY_STAFF = "city_staff", _("市级民政工作人员")
    PROVINCE_STAFF = "province_staff", _("省级民政工作人员")
    REPORTER = "reporter", _("部门报告人")
    PROCURATOR = "procurator", _("检察监督员")
    AUDITOR = "auditor", _("审计员")
    SYSADMIN = "sysadmin", _("系统管理员")


# The region level a user of each role is bound to (None: any level).
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.CHILD_DIRECTOR: ("village",),
    Role.SUPERVISOR: ("township",),
    Role.COUNTY_OFFICER: ("county",),
    Role.COUNTY_MANAGER: ("county",),
    Role.CITY_STAFF: ("city",),
    Role.PROVINCE_STAFF: ("province",),
    Role.REPORTER: ("province", "city", "county", "township", "village"),
    Role.PROCURATOR: ("province", "city", "county"),
    Role.AUDITOR: ("province", "city", "county"),
    Role.SYSADMIN: ("province", "city", "county"),
}

# Civil-affairs staff roles (the registry's owners), and the roles that see children's files at all.
CIVIL_AFFAIRS = {Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER, Role.CITY_STAFF, Role.PROVINCE_STAFF}
COUNTY_STAFF = {Role.COUNTY_OFFICER, Role.COUNTY_MANAGER}


class Department(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    EDUCATION = "education", _("教育")
    PUBLIC_SECURITY = "public_security", _("公安")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    JUSTICE = "justice", _("司法")
    HEALTH = "health", _("卫生健康")
    HUMAN_RESOURCES = "human_resources", _("人力资源社会保障")
    WOMENS_FEDERATION = "womens_federation", _("妇联")
    YOUTH_LEAGUE = "youth_league", _("共青团")
    DISABILITY_FEDERATION = "disability_federation", _("残联")
    CYBERSPACE = "cyberspace", _("网信")
    EMERGENCY = "emergency", _("应急管理")
    FIRE_RESCUE = "fire_rescue", _("消防救援")
    VILLAGE_COMMITTEE = "village_committee", _("村（居）民委员会")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医疗机构")
    OTHER = "other", _("其他")
