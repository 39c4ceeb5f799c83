"""Access declarations for the ledger import/export and printing URLs (imported by registry/access.py).

Who holds what, and why (docs/ledger-format.md, "Permissions"):

* ``registry.import_ledger`` — county officer and manager: the county owns the registry (docs/permissions.md);
  an import writes many files at once, so it stays with the people accountable for the whole county.
* ``registry.export_ledger`` — child director (own village), supervisor (township), county officer and manager,
  city staff (the city's 一市一库, R-B4): the people who keep or check ledgers. Province staff read on screen;
  a province-wide spreadsheet of children is a leak waiting to happen. Exports mask ID numbers and sensitive facts
  per role and are audited.
* ``registry.print_file`` — child director, supervisor, county officer and manager: the people who keep the paper
  file (R-B5: directors complete it, townships receive it, the county spot-checks it). Prints are masked and audited.
"""

from django.utils.translation import gettext_lazy as _

from tonghu.core.roles import Role
from tonghu.core.capabilities import endpoint, grant, nav

grant("registry.import_ledger", [Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("导入儿童台账（Excel）"))
grant("registry.export_ledger", [Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER, Role.CITY_STAFF], _("导出本辖区儿童台账（Excel/CSV，按角色脱敏）"))
grant("registry.print_file", [Role.CHILD_DIRECTOR, Role.SUPERVISOR, Role.COUNTY_OFFICER, Role.COUNTY_MANAGER], _("打印儿童档案（PDF，按角色脱敏）"))

nav(_("导入台账"), "ledger_import", "registry.import_ledger", order=12, group="files")
nav(_("导出台账"), "ledger_export", "registry.export_ledger", order=13, group="files")


def _printable_child(ctx):
    from .models import Child

    child = Child.objects.create(name=f"打印儿童{ctx.region.code[-4:]}{ctx.serial()}", sex="M", birth_date="2014-03-01", village=ctx.region)
    return {"pk": child.pk}


def _export_job(ctx):
    from django.core.files.base import ContentFile

    from tonghu.core.models import Job

    owner = ctx.user if ctx.in_scope else ctx.stranger
    job = Job.objects.create(kind="ledger_export", label="matrix-export", created_by=owner, status="succeeded")
    job.output_file.save("ledger.csv", ContentFile("# matrix\n".encode()), save=True)
    return {"pk": job.pk}


endpoint("ledger_import", "registry.import_ledger")
endpoint("ledger_export", "registry.export_ledger")
endpoint("ledger_export_download", "registry.export_ledger", make_object=_export_job)
endpoint("child_print", "registry.print_file", make_object=_printable_child)

from . import handlers_ledger  # noqa: E402,F401  (job handlers: ledger_import, ledger_export)
from .ledger import section  # noqa: E402,F401  (the print link on the file page)
